/* page: scrolling lines, for help and details. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "kfleet/lag.h"
#include "tui/page.h"

static const struct tui_key page_keys[] = {
	{ "Esc", "Back", "back to the screen before", false },
	{ "\u2191\u2193", "Scroll", "scroll (also j k, PgUp PgDn, Home End)", false },
};

static const struct screen_class page_class = {
	.name = "Help",
	.keys = page_keys,
	.key_count = sizeof page_keys / sizeof page_keys[0],
	.draw = page_draw,
	.key = page_key,
	.free = page_free,
};

struct page *
page_new(const char *title, const struct screen_class *class)
{
	struct page *page = tui_alloc(sizeof *page);

	page->screen.class = class != NULL ? class : &page_class;
	page->title = tui_strdup(title);
	return page;
}

void
page_clear(struct page *page)
{
	for (size_t i = 0; i < page->count; i++) {
		free(page->lines[i].text);
		free(page->lines[i].link.cluster);
		free(page->lines[i].link.name);
	}
	page->count = 0;
	page->has_links = false;
}

/* Link LINE to what ROW names, as LINKER says. */
static void
page_link_row(struct page *page, struct page_line *line, const json_t *row,
              const struct page_linker *linker)
{
	static const char *const kinds[] = {
		[PAGE_LINK_GROUP] = "group", [PAGE_LINK_TOPIC] = "topic",
		[PAGE_LINK_SERVICE] = "service",
	};
	enum page_link_kind kind = linker->kind;
	const char *name = json_string_value(json_object_get(row, linker->name_field));
	const char *cluster = linker->cluster_field != NULL
		? json_string_value(json_object_get(row, linker->cluster_field))
		: linker->default_cluster;

	if (linker->kind_field != NULL) {
		const char *named = json_string_value(json_object_get(row, linker->kind_field));

		kind = PAGE_LINK_NONE;
		for (int k = PAGE_LINK_GROUP; named != NULL && k <= PAGE_LINK_SERVICE; k++)
			if (strcmp(named, kinds[k]) == 0)
				kind = (enum page_link_kind)k;
	}
	if (kind == PAGE_LINK_NONE || name == NULL || (kind != PAGE_LINK_SERVICE && cluster == NULL))
		return;
	line->link = (struct page_link){
		.kind = kind, .name = tui_strdup(name),
		.cluster = kind != PAGE_LINK_SERVICE ? tui_strdup(cluster) : NULL,
	};
	page->has_links = true;
}

const struct page_link *
page_selected_link(const struct page *page)
{
	if (!page->has_links || page->cursor >= page->count ||
	    page->lines[page->cursor].link.kind == PAGE_LINK_NONE)
		return NULL;
	return &page->lines[page->cursor].link;
}

static struct page_line *
page_next_line(struct page *page)
{
	if (page->count == page->capacity) {
		size_t capacity = page->capacity ? page->capacity * 2 : 64;
		struct page_line *lines = realloc(page->lines, capacity * sizeof *lines);

		if (lines == NULL) {
			endwin();
			fputs("kfleet: out of memory\n", stderr);
			abort();
		}
		page->lines = lines;
		page->capacity = capacity;
	}
	page->lines[page->count] = (struct page_line){ .element = THEME_NORMAL };
	return &page->lines[page->count++];
}

void
page_add(struct page *page, enum theme_element element, const char *fmt, ...)
{
	struct page_line *line = page_next_line(page);
	va_list args;

	va_start(args, fmt);
	if (vasprintf(&line->text, fmt, args) < 0)
		line->text = tui_strdup("");
	va_end(args);
	line->element = element;
}

void
page_add_table(struct page *page, const json_t *rows, const struct output_column *columns,
               size_t column_count, int width, const char *status_field,
               const struct page_linker *linker)
{
	size_t count = json_array_size(rows);
	size_t *natural = tui_alloc(column_count * sizeof *natural);
	size_t *widths = tui_alloc(column_count * sizeof *widths);
	bool *hidden = tui_alloc(column_count * sizeof *hidden);
	char **cells = tui_alloc((count + 1) * column_count * sizeof *cells);
	int status_column = -1;

	if (count == 0) {
		page_add(page, THEME_DIM, "  %s", "(none)");
		goto done;
	}
	for (size_t c = 0; c < column_count; c++) {
		cells[c] = tui_strdup(columns[c].heading);
		natural[c] = output_cells(cells[c]);
		if (status_field != NULL && strcmp(columns[c].field, status_field) == 0)
			status_column = (int)c;
	}
	for (size_t r = 0; r < count; r++) {
		for (size_t c = 0; c < column_count; c++) {
			char *text = output_cell_text(json_object_get(json_array_get(rows, r),
			                                              columns[c].field), &columns[c]);
			size_t cells_here = output_cells(text);

			cells[(r + 1) * column_count + c] = text;
			if (cells_here > natural[c])
				natural[c] = cells_here;
		}
	}
	output_layout(columns, column_count, natural, widths, hidden, width > 2 ? width - 2 : 1);
	for (size_t r = 0; r <= count; r++) {
		char *text = output_line(columns, column_count, widths, hidden, &cells[r * column_count]);
		struct page_line *line;

		page_add(page, r == 0 ? THEME_HEADING : THEME_NORMAL, "  %s", text);
		free(text);
		line = &page->lines[page->count - 1];
		if (r > 0 && linker != NULL)
			page_link_row(page, line, json_array_get(rows, r - 1), linker);
		if (r > 0 && status_column >= 0 && !hidden[status_column]) {
			int start = 2;

			for (int c = 0; c < status_column; c++)
				if (!hidden[c])
					start += (int)widths[c] + 2;
			line->mark_start = start;
			line->mark_cells = (int)widths[status_column];
			line->mark = theme_status((enum lag_status)lag_status_parse(
				cells[r * column_count + (size_t)status_column]));
		}
	}
done:
	for (size_t i = 0; i < (count + 1) * column_count; i++)
		free(cells[i]);
	free(cells);
	free(hidden);
	free(widths);
	free(natural);
}

void
page_draw(struct screen *screen, struct tui *tui, int top, int height, int width)
{
	struct page *page = (struct page *)screen;

	(void)tui;
	if (page->has_links && page->cursor >= page->count)
		page->cursor = page->count ? page->count - 1 : 0;
	if (page->has_links && page->cursor < page->top)
		page->top = page->cursor;
	else if (page->has_links && height > 1 && page->cursor >= page->top + (size_t)height - 1)
		page->top = page->cursor - (size_t)height + 2;
	if (page->count > 0 && page->top + (size_t)height - 1 > page->count)
		page->top = page->count > (size_t)height - 1 ? page->count - (size_t)height + 1 : 0;
	tui_clear_line(top, 0, width, theme_attr(THEME_TITLE));
	tui_put(top, 1, page->title, width - 1, theme_attr(THEME_TITLE) | A_BOLD);
	for (int y = 1; y < height && page->top + (size_t)(y - 1) < page->count; y++) {
		const struct page_line *line = &page->lines[page->top + (size_t)(y - 1)];

		bool cursor = page->has_links && page->top + (size_t)(y - 1) == page->cursor;
		enum theme_element element = cursor ? THEME_CURSOR : line->element;

		if (element == THEME_HEADING || cursor)
			tui_clear_line(top + y, 0, width, theme_attr(element));
		tui_put(top + y, 0, line->text, width, theme_attr(element));
		if (line->mark_cells > 0 && line->mark_start < width && !cursor)
			mvchgat(top + y, line->mark_start, line->mark_cells, (attr_t)theme_attr(line->mark),
			        (short)PAIR_NUMBER(theme_attr(line->mark)), NULL);
	}
	if (page->count > (size_t)height - 1) {
		char where[64];

		snprintf(where, sizeof where, " %zu-%zu of %zu ", page->top + 1,
		         page->top + (size_t)height - 1 < page->count ? page->top + (size_t)height - 1
		                                                      : page->count,
		         page->count);
		if ((int)strlen(where) < width)
			tui_put(top, width - (int)strlen(where), where, (int)strlen(where),
			        theme_attr(THEME_TITLE));
	}
}

int
page_key(struct screen *screen, struct tui *tui, int key)
{
	struct page *page = (struct page *)screen;
	size_t height = tui->height > 4 ? (size_t)tui->height - 4 : 1;
	size_t last = page->count > height ? page->count - height : 0;
	/* With links the cursor moves over every line (the page follows it); else the page
	 * itself scrolls. */
	size_t *at = page->has_links ? &page->cursor : &page->top;
	size_t end = page->has_links ? (page->count ? page->count - 1 : 0) : last;

	switch (key) {
	case 'j':
	case TUI_FUNCTION_KEY(KEY_DOWN):
		if (*at < end)
			(*at)++;
		return TUI_REDRAW;
	case 'k':
	case TUI_FUNCTION_KEY(KEY_UP):
		if (*at > 0)
			(*at)--;
		return TUI_REDRAW;
	case ' ':
	case TUI_FUNCTION_KEY(KEY_NPAGE):
		*at = *at + height < end ? *at + height : end;
		return TUI_REDRAW;
	case TUI_FUNCTION_KEY(KEY_PPAGE):
		*at = *at > height ? *at - height : 0;
		return TUI_REDRAW;
	case 'g':
	case TUI_FUNCTION_KEY(KEY_HOME):
		*at = 0;
		return TUI_REDRAW;
	case 'G':
	case TUI_FUNCTION_KEY(KEY_END):
		*at = end;
		return TUI_REDRAW;
	default:
		return TUI_UNHANDLED;
	}
}

void
page_free(struct screen *screen)
{
	struct page *page = (struct page *)screen;

	page_clear(page);
	free(page->lines);
	free(page->title);
	if (page->free_data != NULL)
		page->free_data(page->data);
	free(page);
}
