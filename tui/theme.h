/* theme: the terminal UI's named screen elements and how they look: in colour, or in
 * monochrome (no colours, or NO_COLOR set: https://no-color.org). Code asks for an
 * element, never for a colour pair. */
#ifndef KFLEET_THEME_H
#define KFLEET_THEME_H

#include <stdbool.h>

#include "kfleet/lag.h"

enum theme_element {
	THEME_NORMAL,
	THEME_TITLE,            /* the header's first line */
	THEME_TAB,              /* a view's name in the header */
	THEME_TAB_ACTIVE,       /* the view shown */
	THEME_HEADING,          /* a list's column headings */
	THEME_CURSOR,           /* the row under the cursor */
	THEME_KEY,              /* a key in the footer */
	THEME_KEY_TEXT,         /* what the key does */
	THEME_FILTER,           /* the filter being typed */
	THEME_DIM,              /* secondary text */
	THEME_OK,
	THEME_WARNING,
	THEME_ERROR,            /* REWIND, STALLED, STOPPED; a cluster that is down */
	THEME_UNKNOWN,          /* not yet evaluated */
	THEME_SERVICE,          /* topology: a service box */
	THEME_TOPIC,            /* topology: a topic box */
	THEME_UNOWNED,          /* topology: a group or principal no service claims */
	THEME_BOX,              /* topology: team and cluster boxes */
	THEME_DIALOG,           /* the reset dialog's frame and prompts */
	THEME_COUNT
};

/* Set the elements up after initscr: colours when the terminal has them and $NO_COLOR
 * is unset or empty, else bold, reverse and underline only. */
void theme_init(void);

/* Whether theme_init chose colours. */
bool theme_has_colour(void);

/* The curses attributes of ELEMENT. */
int theme_attr(enum theme_element element);

/* The element a lag status is shown as (LAG_STATUS_UNKNOWN: THEME_UNKNOWN). */
enum theme_element theme_status(enum lag_status status);

#endif
