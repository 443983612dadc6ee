/* page: a screen of lines that scrolls: the help, and the details of a group, topic,
 * service or cluster, whose sections are made of listings laid out as the command line's
 * tables are. A detail screen is a page with its own class: its reload builds the lines
 * again (page_clear, page_add, page_add_table) and its keys fall back to page_key. */
#ifndef KFLEET_PAGE_H
#define KFLEET_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tui/output.h"
#include "tui/theme.h"
#include "tui/tui.h"

/* What a line of a detail names, for Enter to open (kinds as in topology.h's nodes). */
enum page_link_kind {
	PAGE_LINK_NONE,
	PAGE_LINK_GROUP,
	PAGE_LINK_TOPIC,
	PAGE_LINK_SERVICE,
};

struct page_link {
	enum page_link_kind kind;
	char *cluster;                  /* groups and topics */
	char *name;
};

/* How page_add_table makes a row's link: KIND, or the kind named by the row's
 * KIND_FIELD ("service", "topic", "group"; others link nothing), with the cluster and
 * name from those fields (CLUSTER_FIELD NULL: DEFAULT_CLUSTER). */
struct page_linker {
	enum page_link_kind kind;
	const char *kind_field;
	const char *cluster_field;
	const char *default_cluster;
	const char *name_field;
};

struct page_line {
	char *text;
	enum theme_element element;
	struct page_link link;
	/* a part of the line shown otherwise (a status): columns START .. START + CELLS */
	int mark_start, mark_cells;
	enum theme_element mark;
};

struct page {
	struct screen screen;
	char *title;
	struct page_line *lines;
	size_t count, capacity;
	size_t top;                     /* the first line on screen */
	size_t cursor;                  /* the line under the cursor, when lines have links */
	bool has_links;
	int width;                      /* the width the lines were made for */
	void *data;                     /* the detail's own, freed with FREE_DATA */
	void (*free_data)(void *data);
};

/* A page titled TITLE with the plain page class (CLASS NULL), or with CLASS, whose
 * functions may call page_draw, page_key and page_free. */
struct page *page_new(const char *title, const struct screen_class *class);

void page_clear(struct page *page);
void page_add(struct page *page, enum theme_element element, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ROWS (a listing) as a table of COLUMNS in WIDTH columns, headings first; the cells of
 * STATUS_FIELD (NULL: none) shown in their status's colour; each row linked by LINKER
 * (NULL: none). "(none)" when ROWS is empty. */
void page_add_table(struct page *page, const json_t *rows, const struct output_column *columns,
                    size_t column_count, int width, const char *status_field,
                    const struct page_linker *linker);

/* The link of the line under the cursor, or NULL. */
const struct page_link *page_selected_link(const struct page *page);

void page_draw(struct screen *screen, struct tui *tui, int top, int height, int width);
int page_key(struct screen *screen, struct tui *tui, int key);
void page_free(struct screen *screen);

#endif
