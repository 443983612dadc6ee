/* theme: named elements to curses attributes, htop's colour schemes in miniature. */
#include "config.h"

#include <stdlib.h>

#include <curses.h>

#include "tui/theme.h"

/* How an element looks in colour (foreground, background, extra attributes) and without. */
struct theme_style {
	short foreground, background;
	int colour_attrs;
	int mono_attrs;
};

static const struct theme_style theme_styles[THEME_COUNT] = {
	[THEME_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[THEME_TITLE] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[THEME_TAB] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[THEME_TAB_ACTIVE] = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_REVERSE | A_BOLD },
	[THEME_HEADING] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_BOLD | A_UNDERLINE },
	[THEME_CURSOR] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[THEME_KEY] = { COLOR_WHITE, -1, A_BOLD, A_BOLD },
	[THEME_KEY_TEXT] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[THEME_FILTER] = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_UNDERLINE },
	[THEME_DIM] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[THEME_OK] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[THEME_WARNING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[THEME_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[THEME_UNKNOWN] = { COLOR_MAGENTA, -1, A_NORMAL, A_DIM },
	[THEME_SERVICE] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[THEME_TOPIC] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[THEME_UNOWNED] = { COLOR_MAGENTA, -1, A_NORMAL, A_DIM },
	[THEME_BOX] = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[THEME_DIALOG] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
};

static int theme_attrs[THEME_COUNT];
static bool theme_colour;

void
theme_init(void)
{
	const char *no_color = getenv("NO_COLOR");

	theme_colour = has_colors() && (no_color == NULL || no_color[0] == '\0') &&
	               start_color() == OK;
	if (theme_colour)
		use_default_colors();
	for (int e = 0; e < THEME_COUNT; e++) {
		const struct theme_style *style = &theme_styles[e];

		if (!theme_colour || (style->foreground == -1 && style->background == -1)) {
			theme_attrs[e] = theme_colour ? style->colour_attrs : style->mono_attrs;
			continue;
		}
		init_pair((short)(e + 1), style->foreground, style->background);
		theme_attrs[e] = (int)COLOR_PAIR(e + 1) | style->colour_attrs;
	}
}

bool
theme_has_colour(void)
{
	return theme_colour;
}

int
theme_attr(enum theme_element element)
{
	return (unsigned)element < THEME_COUNT ? theme_attrs[element] : (int)A_NORMAL;
}

enum theme_element
theme_status(enum lag_status status)
{
	switch (status) {
	case LAG_STATUS_OK:
		return THEME_OK;
	case LAG_STATUS_WARNING:
		return THEME_WARNING;
	case LAG_STATUS_REWIND:
	case LAG_STATUS_STALLED:
	case LAG_STATUS_STOPPED:
		return THEME_ERROR;
	default:
		return THEME_UNKNOWN;
	}
}
