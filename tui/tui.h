/* tui: kfleet's terminal UI. `kfleet` with no subcommand on a terminal, or `kfleet tui`.
 *
 * What is on screen is a stack of screens: one of the top-level views (Groups, Topics,
 * ...; number keys and Tab switch between them) and above it the screens opened from it
 * (a detail, the reset dialog, help); Esc goes back down. A screen is a const table of
 * functions (as htop's panels and tmux's window modes are); its key handler returns flags
 * and the loop draws once per turn. The catalog is polled: when an agent has written a
 * new generation every screen reads it again and keeps its cursor. */
#ifndef KFLEET_TUI_H
#define KFLEET_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "kfleet/store.h"
#include "tui/cli.h"

/* What a key handler did. */
enum {
	TUI_UNHANDLED = 0,
	TUI_HANDLED = 1 << 0,           /* nothing else to do */
	TUI_REDRAW = 1 << 1 | TUI_HANDLED,
	TUI_BACK = 1 << 2 | TUI_HANDLED,        /* close this screen */
	TUI_QUIT = 1 << 3 | TUI_HANDLED,
};

/* Keys: characters as themselves (wide), function keys (KEY_UP, ...) marked with this. */
#define TUI_FUNCTION_KEY(code) ((code) | 0x1000000)
#define TUI_CTRL(c) ((c) & 0x1f)
#define TUI_ESCAPE 27

/* A key a screen takes, for the footer (LABEL: "Enter", ...) and the help screen. */
struct tui_key {
	const char *label;
	const char *action;             /* "Detail", short, for the footer */
	const char *description;        /* for the help screen */
	bool writes;                    /* hidden, and refused, with --read-only */
};

struct tui;
struct screen;

struct screen_class {
	const char *name;
	const struct tui_key *keys;
	size_t key_count;
	/* Read what the screen shows from the catalog again; 0, or -1 with a message set
	 * (tui_message). */
	int (*reload)(struct screen *screen, struct tui *tui);
	/* Draw into lines TOP .. TOP + HEIGHT - 1 of the screen, WIDTH columns. */
	void (*draw)(struct screen *screen, struct tui *tui, int top, int height, int width);
	/* Take KEY; return TUI_* flags (TUI_UNHANDLED: the loop's own keys then). */
	int (*key)(struct screen *screen, struct tui *tui, int key);
	/* The line the footer shows instead of the keys (a prompt), or NULL. */
	const char *(*prompt)(struct screen *screen, struct tui *tui);
	void (*free)(struct screen *screen);
};

struct screen {
	const struct screen_class *class;
	struct screen *below;           /* the screen this one was opened from */
};

/* The top-level views, in the order of their number keys. */
enum tui_view {
	TUI_VIEW_GROUPS,
	TUI_VIEW_TOPICS,
	TUI_VIEW_SERVICES,
	TUI_VIEW_CLUSTERS,
	TUI_VIEW_ACLS,
	TUI_VIEW_QUOTAS,
	TUI_VIEW_RESETS,
	TUI_VIEW_TOPOLOGY,
	TUI_VIEW_COUNT
};

struct tui {
	struct store *store;
	bool read_only;
	bool unicode;                   /* the locale is UTF-8: box drawing and blocks */
	struct screen *views[TUI_VIEW_COUNT];
	enum tui_view view;
	struct screen *top;             /* the screen on top: a view or one opened from it */
	json_t *clusters;               /* the header's clusters listing */
	char message[512];              /* a one-line message over the footer until a key */
	bool message_is_error;
	long long data_version;
	int width, height;
};

/* Run the terminal UI on the catalog STORE (taken: closed on return). Returns an exit
 * status. */
int tui_run(struct store *store, bool read_only);

/* tui_run's steps, for the benchmark (bench/bench_tui.c), which drives them on a curses
 * screen of its own: make the views and read the catalog (STORE taken), draw one
 * frame, take one key (TUI_* flags), and free everything. */
void tui_open(struct tui *tui, struct store *store, bool read_only);
void tui_draw(struct tui *tui);
int tui_key(struct tui *tui, int key);
void tui_close(struct tui *tui);

/* `kfleet tui [--catalog FILE] [--read-only]`, and `kfleet` alone on a terminal. */
int tui_command_run(const struct cli_command *command, int argc, char **argv);

/* Show MESSAGE (printf-style) on the footer line until the next key. */
void tui_message(struct tui *tui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Open SCREEN (a new one, taken) over the current one and read it from the catalog. */
void tui_push(struct tui *tui, struct screen *screen);

/* Switch to top-level VIEW, closing the screens opened over the current one. */
void tui_switch(struct tui *tui, enum tui_view view);

/* Draw TEXT (UTF-8) at line Y, column X, in at most CELLS columns, with ATTRS; returns
 * the columns used. */
int tui_put(int y, int x, const char *text, int cells, int attrs);

/* Fill line Y from column X to the end with blanks in ATTRS. */
void tui_clear_line(int y, int x, int width, int attrs);

/* Read a line of text, for the filter and the dialogs: KEY applied to BUFFER (SIZE
 * bytes, UTF-8). Returns 1 for Enter, -1 for Escape, 0 when the text was edited or the
 * key ignored. */
int tui_edit(char *buffer, size_t size, int key);

/* Out of memory: put the terminal back and abort. */
void *tui_alloc(size_t size);
char *tui_strdup(const char *s);

#endif
