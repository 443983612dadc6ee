/* tui: the terminal UI's loop: the screen stack, the header and footer, the keys every
 * screen shares, the catalog poll, and a terminal put back however kfleet ends. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "kfleet/iso8601.h"
#include "kfleet/listing.h"
#include "tui/output.h"
#include "tui/page.h"
#include "tui/theme.h"
#include "tui/tui.h"
#include "tui/views.h"

/* Last: it defines macros (lines, columns) that other headers use as names. */
#include <term.h>

#define TUI_POLL_MS 1000        /* how often the catalog is looked at, and ages redrawn */

static volatile sig_atomic_t tui_stop;

/* What the crash handler needs to put the terminal back without curses. */
static struct termios tui_saved_termios;
static bool tui_termios_saved;
static char tui_restore_sequence[128];
static size_t tui_restore_length;

static void
tui_on_stop(int signal_number)
{
	(void)signal_number;
	tui_stop = 1;
}

/* A crash: the terminal modes and screen back as they were, then die of the same signal.
 * Only async-signal-safe calls here. */
static void
tui_on_crash(int signal_number)
{
	if (tui_termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &tui_saved_termios);
	if (tui_restore_length > 0 &&
	    write(STDOUT_FILENO, tui_restore_sequence, tui_restore_length) < 0)
		tui_restore_length = 0;
	signal(signal_number, SIG_DFL);
	raise(signal_number);
}

static void
tui_out_of_memory(void)
{
	if (!isendwin())
		endwin();
	fputs("kfleet: out of memory\n", stderr);
	abort();
}

void *
tui_alloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (p == NULL)
		tui_out_of_memory();
	return p;
}

char *
tui_strdup(const char *s)
{
	char *copy = strdup(s != NULL ? s : "");

	if (copy == NULL)
		tui_out_of_memory();
	return copy;
}

void
tui_message(struct tui *tui, bool error, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(tui->message, sizeof tui->message, fmt, args);
	va_end(args);
	tui->message_is_error = error;
}

/* ---------------------------------------------------------------- drawing */

int
tui_put(int y, int x, const char *text, int cells, int attrs)
{
	mbstate_t state = { 0 };
	size_t length = strlen(text);
	int used = 0;

	attrset(attrs);
	move(y, x);
	while (length > 0 && used < cells) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text, length, &state);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&state, 0, sizeof state);
			wc = L'?';
			n = 1;
		}
		w = wcwidth(wc);
		if (w < 0) {
			wc = L'?';
			w = 1;
		}
		if (used + w > cells)
			break;
		addnwstr(&wc, 1);
		used += w;
		text += n;
		length -= n;
	}
	attrset(A_NORMAL);
	return used;
}

void
tui_clear_line(int y, int x, int width, int attrs)
{
	attrset(attrs);
	if (width > x)
		mvhline(y, x, ' ', width - x);
	attrset(A_NORMAL);
}

/* "5s", "3m", "2h", "4d": how long ago ISO 8601 time TEXT was, or NULL. */
static const char *
tui_age(const char *text, char *buf, size_t size)
{
	char err[128];
	int64_t at, now = (int64_t)time(NULL) * 1000;

	if (text == NULL || iso8601_parse_time(text, &at, err, sizeof err) < 0)
		return NULL;
	int64_t seconds = (now - at) / 1000;

	if (seconds < 0)
		seconds = 0;
	if (seconds < 120)
		snprintf(buf, size, "%llds", (long long)seconds);
	else if (seconds < 7200)
		snprintf(buf, size, "%lldm", (long long)(seconds / 60));
	else if (seconds < 2 * 86400)
		snprintf(buf, size, "%lldh", (long long)(seconds / 3600));
	else
		snprintf(buf, size, "%lldd", (long long)(seconds / 86400));
	return buf;
}

/* Line 0: the catalog and each cluster with its status and the age of its last
 * collection; line 1: the views. */
static void
tui_draw_header(struct tui *tui)
{
	const json_t *cluster;
	size_t index;
	int x;

	tui_clear_line(0, 0, tui->width, theme_attr(THEME_TITLE));
	x = tui_put(0, 0, " kfleet ", tui->width, theme_attr(THEME_TITLE) | A_BOLD);
	x += tui_put(0, x, store_path(tui->store), tui->width / 3, theme_attr(THEME_TITLE));
	if (tui->read_only && x + 12 < tui->width)
		x += tui_put(0, x, " [read-only]", tui->width - x, theme_attr(THEME_TITLE) | A_BOLD);
	json_array_foreach(tui->clusters, index, cluster) {
		const char *name = json_string_value(json_object_get(cluster, "cluster"));
		const char *status = json_string_value(json_object_get(cluster, "status"));
		char age[32], text[256];
		const char *ago = tui_age(json_string_value(json_object_get(cluster, "last_collected")),
		                          age, sizeof age);
		bool ok = status != NULL && strcmp(status, "ok") == 0;

		snprintf(text, sizeof text, "%s %s %s", name ? name : "?", status ? status : "-",
		         ago ? ago : "never");
		if (x + 3 >= tui->width)
			break;
		x += tui_put(0, x, "  ", 2, theme_attr(THEME_TITLE));
		x += tui_put(0, x, text, tui->width - x,
		             ok ? theme_attr(THEME_TITLE) : (int)(theme_attr(THEME_ERROR) | A_REVERSE));
	}

	tui_clear_line(1, 0, tui->width, A_NORMAL);
	x = 0;
	for (int v = 0; v < TUI_VIEW_COUNT && x < tui->width; v++) {
		char name[64];

		if (tui->views[v] == NULL)
			continue;
		snprintf(name, sizeof name, "%d %s", v + 1, tui->views[v]->class->name);
		x += tui_put(1, x, name, tui->width - x,
		             theme_attr(v == (int)tui->view ? THEME_TAB_ACTIVE : THEME_TAB));
		x += tui_put(1, x, " ", tui->width - x, A_NORMAL);
	}
}

/* The keys every screen has, after its own in the footer. */
static const struct tui_key tui_global_keys[] = {
	{ "Tab", "View", "next view (Shift-Tab: previous; 1-8: that view)", false },
	{ "?", "Help", "all keys", false },
	{ "q", "Quit", "quit kfleet (also F10)", false },
};

static int
tui_draw_key(int y, int x, int width, const struct tui_key *key)
{
	if (x >= width)
		return x;
	x += tui_put(y, x, key->label, width - x, theme_attr(THEME_KEY));
	if (x < width)
		x += tui_put(y, x, key->action, width - x, theme_attr(THEME_KEY_TEXT));
	if (x < width)
		x += tui_put(y, x, " ", width - x, A_NORMAL);
	return x;
}

/* The last line: a message, the screen's prompt, or the keys that work here. */
static void
tui_draw_footer(struct tui *tui)
{
	int y = tui->height - 1, x = 0;
	const struct screen_class *class = tui->top->class;
	const char *prompt = class->prompt ? class->prompt(tui->top, tui) : NULL;

	tui_clear_line(y, 0, tui->width, A_NORMAL);
	if (tui->message[0] != '\0') {
		tui_clear_line(y, 0, tui->width,
		               theme_attr(tui->message_is_error ? THEME_ERROR : THEME_FILTER));
		tui_put(y, 0, tui->message, tui->width,
		        theme_attr(tui->message_is_error ? THEME_ERROR : THEME_FILTER));
		return;
	}
	if (prompt != NULL) {
		tui_clear_line(y, 0, tui->width, theme_attr(THEME_FILTER));
		x = tui_put(y, 0, prompt, tui->width - 1, theme_attr(THEME_FILTER));
		move(y, x);
		return;
	}
	for (size_t k = 0; k < class->key_count; k++)
		if (!(tui->read_only && class->keys[k].writes))
			x = tui_draw_key(y, x, tui->width, &class->keys[k]);
	for (size_t k = 0; k < sizeof tui_global_keys / sizeof tui_global_keys[0]; k++)
		x = tui_draw_key(y, x, tui->width, &tui_global_keys[k]);
}

void
tui_draw(struct tui *tui)
{
	const char *prompt;

	erase();
	tui_draw_header(tui);
	if (tui->height > 3)
		tui->top->class->draw(tui->top, tui, 2, tui->height - 3, tui->width);
	tui_draw_footer(tui);
	prompt = tui->top->class->prompt ? tui->top->class->prompt(tui->top, tui) : NULL;
	curs_set(prompt != NULL && tui->message[0] == '\0' ? 1 : 0);
	refresh();
}

/* ---------------------------------------------------------------- the stack */

static void
tui_reload_screen(struct tui *tui, struct screen *screen)
{
	if (screen->class->reload != NULL && screen->class->reload(screen, tui) < 0 &&
	    tui->message[0] == '\0')
		tui_message(tui, true, "%s: the catalog could not be read", screen->class->name);
}

void
tui_push(struct tui *tui, struct screen *screen)
{
	screen->below = tui->top;
	tui->top = screen;
	tui_reload_screen(tui, screen);
}

/* Close the screen on top; a view stays. */
static void
tui_pop(struct tui *tui)
{
	struct screen *screen = tui->top;

	if (screen->below == NULL)
		return;
	tui->top = screen->below;
	screen->class->free(screen);
}

void
tui_switch(struct tui *tui, enum tui_view view)
{
	if (tui->views[view] == NULL)
		return;
	while (tui->top->below != NULL)
		tui_pop(tui);
	tui->view = view;
	tui->top = tui->views[view];
	tui_reload_screen(tui, tui->top);
}

/* The catalog changed: the header and every open screen read it again. */
static void
tui_reload_all(struct tui *tui)
{
	json_t *clusters;
	char *err = NULL;

	clusters = listing_query(tui->store, LISTING_CLUSTERS, NULL, &err);
	if (clusters == NULL) {
		tui_message(tui, true, "%s", err);
		free(err);
	} else {
		json_decref(tui->clusters);
		tui->clusters = clusters;
	}
	for (struct screen *screen = tui->top; screen != NULL; screen = screen->below)
		tui_reload_screen(tui, screen);
}

/* Whether an agent (or anyone) has written to the catalog since the last look. */
static bool
tui_catalog_changed(struct tui *tui)
{
	long long version;
	char *err = NULL;

	if (store_data_version(tui->store, &version, &err) < 0) {
		free(err);
		return false;
	}
	if (version == tui->data_version)
		return false;
	tui->data_version = version;
	return true;
}

/* ---------------------------------------------------------------- keys */

static void
tui_open_help(struct tui *tui)
{
	struct page *page = page_new("Help", NULL);
	const struct screen_class *class = tui->top->class;

	page_add(page, THEME_HEADING, "Keys of %s", class->name);
	for (size_t k = 0; k < class->key_count; k++) {
		/* Padded by cells, not bytes: a label may be "\u2191\u2193". */
		int pad = 12 - (int)output_cells(class->keys[k].label);

		if (!(tui->read_only && class->keys[k].writes))
			page_add(page, THEME_NORMAL, "  %s%*s %s", class->keys[k].label, pad > 0 ? pad : 0,
			         "", class->keys[k].description);
	}
	page_add(page, THEME_NORMAL, "%s", "");
	page_add(page, THEME_HEADING, "%s", "Everywhere");
	page_add(page, THEME_NORMAL, "  %-12s %s", "1 .. 8",
	         "Groups, Topics, Services & Teams, Clusters & Brokers, ACLs, Quotas, Resets, "
	         "Topology");
	for (size_t k = 0; k < sizeof tui_global_keys / sizeof tui_global_keys[0]; k++)
		page_add(page, THEME_NORMAL, "  %-12s %s", tui_global_keys[k].label,
		         tui_global_keys[k].description);
	page_add(page, THEME_NORMAL, "  %-12s %s", "Esc", "back to the screen before");
	page_add(page, THEME_NORMAL, "  %-12s %s", "Ctrl-L", "redraw the screen");
	page_add(page, THEME_NORMAL, "  %-12s %s", "F5",
	         "read the catalog again now (it is read by itself when an agent writes)");
	page_add(page, THEME_NORMAL, "%s", "");
	page_add(page, THEME_DIM, "%s", "kfleet(1) describes every screen.");
	tui_push(tui, &page->screen);
}

/* The keys every screen shares; returns TUI_* flags. */
static int
tui_global_key(struct tui *tui, int key)
{
	if (key >= '1' && key < '1' + TUI_VIEW_COUNT) {
		tui_switch(tui, (enum tui_view)(key - '1'));
		return TUI_REDRAW;
	}
	switch (key) {
	case 'q':
	case TUI_FUNCTION_KEY(KEY_F(10)):
		return TUI_QUIT;
	case '\t':
	case TUI_FUNCTION_KEY(KEY_BTAB): {
		int step = key == '\t' ? 1 : TUI_VIEW_COUNT - 1;
		enum tui_view view = tui->view;

		do
			view = (enum tui_view)(((int)view + step) % TUI_VIEW_COUNT);
		while (tui->views[view] == NULL);
		tui_switch(tui, view);
		return TUI_REDRAW;
	}
	case '?':
	case TUI_FUNCTION_KEY(KEY_F(1)):
		tui_open_help(tui);
		return TUI_REDRAW;
	case TUI_ESCAPE:
	case TUI_FUNCTION_KEY(KEY_BACKSPACE):
	case TUI_FUNCTION_KEY(KEY_LEFT):
		return tui->top->below != NULL ? TUI_BACK : TUI_HANDLED;
	case TUI_CTRL('l'):
		clearok(curscr, TRUE);
		return TUI_REDRAW;
	case TUI_FUNCTION_KEY(KEY_F(5)):
		tui->data_version = -1;
		return TUI_REDRAW;
	default:
		return TUI_HANDLED;
	}
}

int
tui_edit(char *buffer, size_t size, int key)
{
	size_t length = strlen(buffer);

	switch (key) {
	case '\n':
	case '\r':
	case TUI_FUNCTION_KEY(KEY_ENTER):
		return 1;
	case TUI_ESCAPE:
		return -1;
	case TUI_FUNCTION_KEY(KEY_BACKSPACE):
	case 127:
	case '\b':
		/* Remove the last character, not the last byte. */
		while (length > 0 && ((unsigned char)buffer[length - 1] & 0xc0) == 0x80)
			length--;
		if (length > 0)
			length--;
		buffer[length] = '\0';
		return 0;
	case TUI_CTRL('u'):
		buffer[0] = '\0';
		return 0;
	default:
		if (key < ' ' || (key & TUI_FUNCTION_KEY(0)) != 0)
			return 0;
		char bytes[MB_LEN_MAX];
		mbstate_t state = { 0 };
		size_t n = wcrtomb(bytes, (wchar_t)key, &state);

		if (n != (size_t)-1 && length + n < size) {
			memcpy(buffer + length, bytes, n);
			buffer[length + n] = '\0';
		}
		return 0;
	}
}

/* The next key, or ERR after TIMEOUT_MS without one. */
static int
tui_read_key(void)
{
	wint_t wc;
	int kind = get_wch(&wc);

	if (kind == ERR)
		return ERR;
	if (kind == KEY_CODE_YES)
		return TUI_FUNCTION_KEY((int)wc);
	return (int)wc;
}

/* ---------------------------------------------------------------- run */

/* Where the terminal should go back to if kfleet crashes. */
static void
tui_prepare_crash_restore(void)
{
	const char *sequences[] = { "rmcup", "cnorm", "sgr0" };

	tui_restore_length = 0;
	for (size_t i = 0; i < sizeof sequences / sizeof sequences[0]; i++) {
		char *cap = tigetstr(sequences[i]);
		size_t length;

		if (cap == NULL || cap == (char *)-1)
			continue;
		length = strlen(cap);
		if (tui_restore_length + length < sizeof tui_restore_sequence) {
			memcpy(tui_restore_sequence + tui_restore_length, cap, length);
			tui_restore_length += length;
		}
	}
}

static void
tui_signals(void)
{
	struct sigaction stop = { .sa_handler = tui_on_stop };
	struct sigaction crash = { .sa_handler = tui_on_crash, .sa_flags = SA_RESETHAND };
	const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

	sigemptyset(&stop.sa_mask);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGHUP, &stop, NULL);
	sigemptyset(&crash.sa_mask);
	for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++)
		sigaction(crashes[i], &crash, NULL);
}

void
tui_open(struct tui *tui, struct store *store, bool read_only)
{
	*tui = (struct tui){ .store = store, .read_only = read_only, .data_version = -1 };
	tui->unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	theme_init();
	getmaxyx(stdscr, tui->height, tui->width);
	views_create(tui);
	tui->top = tui->views[TUI_VIEW_GROUPS];
	tui_catalog_changed(tui);
	tui_reload_all(tui);
}

int
tui_key(struct tui *tui, int key)
{
	int flags;

	tui->message[0] = '\0';
	if (key == TUI_FUNCTION_KEY(KEY_RESIZE)) {
		getmaxyx(stdscr, tui->height, tui->width);
		return TUI_REDRAW;
	}
	flags = tui->top->class->key(tui->top, tui, key);
	if (flags == TUI_UNHANDLED)
		flags = tui_global_key(tui, key);
	if ((flags & TUI_BACK) == TUI_BACK)
		tui_pop(tui);
	if (tui->data_version == -1 && tui_catalog_changed(tui))
		tui_reload_all(tui);
	return flags;
}

void
tui_close(struct tui *tui)
{
	while (tui->top->below != NULL)
		tui_pop(tui);
	for (int v = 0; v < TUI_VIEW_COUNT; v++)
		if (tui->views[v] != NULL)
			tui->views[v]->class->free(tui->views[v]);
	json_decref(tui->clusters);
	store_close(tui->store);
	*tui = (struct tui){ 0 };
}

int
tui_run(struct store *store, bool read_only)
{
	struct tui tui;
	bool redraw = true;

	if (tcgetattr(STDIN_FILENO, &tui_saved_termios) == 0)
		tui_termios_saved = true;
	tui_signals();
	/* Escape alone goes back at once, as in htop, rather than after a second. */
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	if (initscr() == NULL) {
		fprintf(stderr, "kfleet: cannot use the terminal '%s'\n", getenv("TERM"));
		store_close(store);
		return CLI_EXIT_FAILED;
	}
	tui_prepare_crash_restore();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	timeout(TUI_POLL_MS);
	tui_open(&tui, store, read_only);

	while (!tui_stop) {
		int key;

		if (redraw)
			tui_draw(&tui);
		redraw = true;
		key = tui_read_key();
		if (tui_stop)
			break;
		if (key == ERR) {
			if (tui_catalog_changed(&tui))
				tui_reload_all(&tui);
			continue;       /* and redraw: the ages in the header move */
		}
		if ((tui_key(&tui, key) & TUI_QUIT) == TUI_QUIT)
			break;
	}
	endwin();
	tui_close(&tui);
	return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- the command */

static void
tui_usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet tui [--catalog FILE] [--read-only]\n"
	        "       kfleet            (on a terminal: the same)\n"
	        "\n"
	        "Browse the fleet in the terminal: consumer groups worst first, topics, services\n"
	        "and teams, clusters and brokers, ACLs, quotas, the reset audit log and the\n"
	        "topology; reset a group's offsets. '?' in the UI shows every key.\n"
	        "\n"
	        "  --catalog FILE   the catalog (default: $KFLEET_CATALOG, else %s)\n"
	        "  --read-only      no writing action (offset resets) is offered\n"
	        "  -h, --help       show this help and exit\n"
	        "\n"
	        "NO_COLOR set: no colours. A locale that is not UTF-8: ASCII drawing.\n",
	        CLI_DEFAULT_CATALOG);
}

int
tui_command_run(const struct cli_command *command, int argc, char **argv)
{
	enum { OPT_CATALOG = 256, OPT_READ_ONLY };
	static const struct option options[] = {
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "read-only", .has_arg = no_argument, .val = OPT_READ_ONLY },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	const char *catalog = NULL;
	bool read_only = false;
	struct store *store;
	int opt;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (opt == 'h') {
			tui_usage(stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else if (opt == OPT_READ_ONLY) {
			read_only = true;
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "kfleet %s: needs a terminal; for scripts use the subcommands "
		        "(kfleet --help)\n", command->name);
		return CLI_EXIT_USAGE;
	}
	store = cli_open_catalog(command, catalog, false);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	return tui_run(store, read_only);
}
