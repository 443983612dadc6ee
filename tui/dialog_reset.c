/* dialog_reset: mode, topics, plan, confirmation, result: one step at a time. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "kfleet/cluster_config.h"
#include "kfleet/iso8601.h"
#include "kfleet/listing.h"
#include "kfleet/reset.h"
#include "tui/cmd_offsets.h"
#include "tui/dialog_reset.h"
#include "tui/page.h"

enum dialog_step { STEP_MODE, STEP_VALUE, STEP_SCOPE, STEP_PLAN, STEP_CONFIRM, STEP_RESULT };

/* The modes offered, with what their value is. */
struct dialog_mode {
	enum reset_mode mode;
	const char *label;
	const char *value_prompt;       /* NULL: no value */
};

enum { MODE_TO_TIME = 5, MODE_BY_DURATION = 6 };
static const struct dialog_mode dialog_modes[] = {
	{ RESET_TO_EARLIEST, "to the earliest offset (replay everything kept)", NULL },
	{ RESET_TO_LATEST, "to the latest offset (skip everything not read)", NULL },
	{ RESET_TO_CURRENT, "to the current offset (commit what is committed)", NULL },
	{ RESET_TO_OFFSET, "to an offset", "Offset" },
	{ RESET_SHIFT_BY, "shift by a number of messages (negative: back)", "Shift by" },
	[MODE_TO_TIME] = { RESET_TO_TIME, "to a date and time (ISO 8601 with zone)",
	                   "Date and time, e.g. 2026-11-25T10:00:00Z" },
	[MODE_BY_DURATION] = { RESET_TO_TIME, "back by a duration (ISO 8601)",
	                       "Duration back from now, e.g. PT1H" },
};
#define DIALOG_MODE_COUNT (sizeof dialog_modes / sizeof dialog_modes[0])

struct dialog {
	enum dialog_step step;
	char *cluster, *group;
	size_t mode;                    /* index into dialog_modes */
	char value[128];
	int64_t number;                 /* the value parsed */
	char **topics;                  /* the group's topics; scope 0 is all of them */
	size_t topic_count;
	size_t scope;
	size_t cursor;                  /* in the mode or scope list */
	struct cluster_config *config;
	struct reset_client *client;
	struct reset_plan *plan;
	char *refusal;                  /* why the plan may not be applied, or NULL */
	char confirm[256];
	char prompt[512];
	long long audit_id;
	char *outcome;
};

static void
dialog_free_data(void *data)
{
	struct dialog *dialog = data;

	for (size_t i = 0; i < dialog->topic_count; i++)
		free(dialog->topics[i]);
	free(dialog->topics);
	reset_plan_free(dialog->plan);
	reset_client_free(dialog->client);
	cluster_config_free(dialog->config);
	free(dialog->refusal);
	free(dialog->outcome);
	free(dialog->cluster);
	free(dialog->group);
	free(dialog);
}

/* The topics the group has committed offsets on, from the catalog. */
static int
dialog_load_topics(struct dialog *dialog, struct tui *tui)
{
	struct listing_filter filter = { .cluster = dialog->cluster, .group = dialog->group };
	char *err = NULL;
	json_t *rows = listing_query(tui->store, LISTING_LAG_PARTITIONS, &filter, &err);
	const json_t *row;
	size_t index;

	if (rows == NULL) {
		tui_message(tui, true, "%s", err);
		free(err);
		return -1;
	}
	for (size_t i = 0; i < dialog->topic_count; i++)
		free(dialog->topics[i]);
	free(dialog->topics);
	dialog->topics = tui_alloc((json_array_size(rows) + 1) * sizeof *dialog->topics);
	dialog->topic_count = 0;
	json_array_foreach(rows, index, row) {
		const char *topic = json_string_value(json_object_get(row, "topic"));
		bool seen = false;

		for (size_t i = 0; topic != NULL && i < dialog->topic_count; i++)
			seen = seen || strcmp(dialog->topics[i], topic) == 0;
		if (topic != NULL && !seen)
			dialog->topics[dialog->topic_count++] = tui_strdup(topic);
	}
	json_decref(rows);
	return 0;
}

/* The lines of the current step. */
static void
dialog_build(struct page *page, struct tui *tui)
{
	struct dialog *dialog = page->data;
	size_t count;
	const struct output_column *columns;
	json_t *rows;

	page_clear(page);
	page->width = tui->width;
	switch (dialog->step) {
	case STEP_MODE:
	case STEP_VALUE:
		page_add(page, THEME_NORMAL, "  %s", "Reset the group's committed offsets:");
		for (size_t m = 0; m < DIALOG_MODE_COUNT; m++)
			page_add(page, m == dialog->cursor ? THEME_CURSOR : THEME_NORMAL, "  %s %s",
			         m == dialog->cursor ? ">" : " ", dialog_modes[m].label);
		break;
	case STEP_SCOPE:
		page_add(page, THEME_NORMAL, "  Mode: %s", dialog_modes[dialog->mode].label);
		page_add(page, THEME_NORMAL, "  %s", "On which topics:");
		for (size_t s = 0; s <= dialog->topic_count; s++) {
			char label[1024];

			if (s == 0)
				snprintf(label, sizeof label, "every topic the group has committed offsets on "
				         "(%zu)", dialog->topic_count);
			else
				snprintf(label, sizeof label, "%s", dialog->topics[s - 1]);
			page_add(page, s == dialog->cursor ? THEME_CURSOR : THEME_NORMAL, "  %s %s",
			         s == dialog->cursor ? ">" : " ", label);
		}
		break;
	case STEP_PLAN:
	case STEP_CONFIRM:
	case STEP_RESULT:
		page_add(page, THEME_NORMAL, "  Mode: %s%s%s", dialog_modes[dialog->mode].label,
		         dialog->value[0] ? ": " : "", dialog->value);
		page_add(page, THEME_NORMAL, "  Topics: %s",
		         dialog->scope == 0 ? "every topic the group has committed offsets on"
		                            : dialog->topics[dialog->scope - 1]);
		if (dialog->step == STEP_RESULT)
			page_add(page, THEME_TITLE, " %s", "What was written");
		else
			page_add(page, THEME_TITLE, " %s", "The plan (dry run: nothing is changed yet)");
		if (dialog->plan != NULL) {
			/* The plan as the command prints it, but for its one group's column. */
			struct output_column shown[16];
			size_t shown_count = 0;

			columns = offsets_plan_columns(&count);
			for (size_t c = 0; c < count && shown_count < 16; c++)
				if (strcmp(columns[c].field, "group") != 0)
					shown[shown_count++] = columns[c];
			rows = offsets_plan_rows(dialog->plan);
			page_add_table(page, rows, shown, shown_count, tui->width, NULL, NULL);
			json_decref(rows);
		}
		if (dialog->refusal != NULL)
			page_add(page, THEME_ERROR, "  %s", dialog->refusal);
		if (dialog->outcome != NULL)
			page_add(page, dialog->audit_id > 0 ? THEME_OK : THEME_ERROR, "  %s",
			         dialog->outcome);
		if (dialog->audit_id > 0)
			page_add(page, THEME_DIM, "  to undo it: kfleet offsets undo %lld --execute",
			         dialog->audit_id);
		break;
	}
}

/* Parse the value typed for the mode; false after a message. */
static bool
dialog_parse_value(struct dialog *dialog, struct tui *tui)
{
	char err[256];
	char *end;

	switch (dialog->mode) {
	case MODE_TO_TIME:
		if (iso8601_parse_time(dialog->value, &dialog->number, err, sizeof err) < 0) {
			tui_message(tui, true, "%s", err);
			return false;
		}
		return true;
	case MODE_BY_DURATION: {
		int64_t ms;

		if (iso8601_parse_duration(dialog->value, &ms, err, sizeof err) < 0) {
			tui_message(tui, true, "%s", err);
			return false;
		}
		dialog->number = (int64_t)time(NULL) * 1000 - ms;
		return true;
	}
	default:
		errno = 0;
		dialog->number = strtoll(dialog->value, &end, 10);
		if (dialog->value[0] == '\0' || *end != '\0' || errno != 0 ||
		    (dialog_modes[dialog->mode].mode == RESET_TO_OFFSET && dialog->number < 0)) {
			tui_message(tui, true, "'%s' is not %s; type a whole number", dialog->value,
			            dialog_modes[dialog->mode].mode == RESET_TO_OFFSET
			            ? "an offset" : "a number of messages");
			return false;
		}
		return true;
	}
}

/* Connect (once) and build the plan; then check it may be applied. */
static void
dialog_plan(struct dialog *dialog)
{
	const char *groups[] = { dialog->group };
	struct reset_topic topic = { 0 };
	struct reset_request request = {
		.mode = dialog_modes[dialog->mode].mode, .value = dialog->number,
		.groups = groups, .group_count = 1,
	};
	char *err = NULL;
	enum reset_status status;

	free(dialog->refusal);
	dialog->refusal = NULL;
	reset_plan_free(dialog->plan);
	dialog->plan = NULL;
	if (dialog->scope == 0) {
		request.all_topics = true;
	} else {
		topic.topic = dialog->topics[dialog->scope - 1];
		request.topics = &topic;
		request.topic_count = 1;
	}
	if (dialog->client == NULL) {
		char *path = cluster_config_find(dialog->cluster, &err);

		if (path != NULL) {
			dialog->config = cluster_config_load(path, &err);
			free(path);
		}
		if (dialog->config != NULL)
			dialog->client = reset_client_new(dialog->config, &err);
		if (dialog->client == NULL) {
			if (asprintf(&dialog->refusal, "cannot reach %s: %s", dialog->cluster,
			             err ? err : "no config") < 0)
				dialog->refusal = NULL;
			free(err);
			return;
		}
	}
	status = reset_plan_build(dialog->client, &request, &dialog->plan, &err);
	if (status == RESET_OK)
		status = reset_plan_check(dialog->plan, &err);
	if (status != RESET_OK) {
		dialog->refusal = err;
		return;
	}
	dialog->step = STEP_CONFIRM;
}

/* The confirmation typed: apply the plan, record it, say what happened. */
static void
dialog_apply(struct dialog *dialog, struct tui *tui)
{
	char mode[256], *err = NULL;
	const char *option = reset_mode_option(dialog_modes[dialog->mode].mode);
	enum reset_status status;
	size_t written = 0, rows = 0;

	if (strcmp(dialog->confirm, dialog->group) != 0) {
		tui_message(tui, true, "'%s' is not the group's name: nothing changed", dialog->confirm);
		dialog->confirm[0] = '\0';
		return;
	}
	if (dialog->mode == MODE_BY_DURATION)
		option = "--by-duration";
	snprintf(mode, sizeof mode, "%s%s%s", option, dialog->value[0] ? " " : "", dialog->value);
	status = reset_plan_apply(dialog->client, dialog->plan, 0, NULL, NULL, &err);
	dialog->step = STEP_RESULT;
	if (status != RESET_OK) {
		dialog->refusal = err;
		err = NULL;
	}
	for (size_t g = 0; g < dialog->plan->group_count; g++) {
		const struct reset_group *group = &dialog->plan->groups[g];

		for (size_t i = 0; i < group->row_count; i++) {
			rows++;
			written += group->applied && group->rows[i].error == NULL;
		}
		if (!group->applied)
			continue;
		dialog->audit_id = offsets_record_group(tui->store, dialog->cluster, group, mode, 0, &err);
		if (dialog->audit_id < 0) {
			if (asprintf(&dialog->outcome, "the reset WAS applied but is not in the audit log: %s",
			             err) < 0)
				dialog->outcome = NULL;
			free(err);
			return;
		}
	}
	if (dialog->audit_id > 0) {
		if (asprintf(&dialog->outcome, "%zu of %zu partition%s written; recorded as reset %lld",
		             written, rows, rows == 1 ? "" : "s", dialog->audit_id) < 0)
			dialog->outcome = NULL;
	} else if (asprintf(&dialog->outcome, "nothing was written") < 0) {
		dialog->outcome = NULL;
	}
}

static int
dialog_reload(struct screen *screen, struct tui *tui)
{
	struct page *page = (struct page *)screen;
	struct dialog *dialog = page->data;

	if (dialog->topics == NULL && dialog_load_topics(dialog, tui) < 0)
		return -1;
	dialog_build(page, tui);
	return 0;
}

static void
dialog_draw(struct screen *screen, struct tui *tui, int top, int height, int width)
{
	struct page *page = (struct page *)screen;

	if (page->width != width)
		dialog_build(page, tui);
	page_draw(screen, tui, top, height, width);
}

static const char *
dialog_prompt(struct screen *screen, struct tui *tui)
{
	struct page *page = (struct page *)screen;
	struct dialog *dialog = page->data;

	(void)tui;
	if (dialog->step == STEP_VALUE)
		snprintf(dialog->prompt, sizeof dialog->prompt, "%s: %s",
		         dialog_modes[dialog->mode].value_prompt, dialog->value);
	else if (dialog->step == STEP_CONFIRM)
		snprintf(dialog->prompt, sizeof dialog->prompt,
		         "Type the group's name to apply (Esc cancels): %s", dialog->confirm);
	else
		return NULL;
	return dialog->prompt;
}

static int
dialog_choose(struct dialog *dialog, int key, size_t count)
{
	switch (key) {
	case 'j':
	case TUI_FUNCTION_KEY(KEY_DOWN):
		if (dialog->cursor + 1 < count)
			dialog->cursor++;
		return 0;
	case 'k':
	case TUI_FUNCTION_KEY(KEY_UP):
		if (dialog->cursor > 0)
			dialog->cursor--;
		return 0;
	case '\r':
	case '\n':
	case TUI_FUNCTION_KEY(KEY_ENTER):
		return 1;
	case TUI_ESCAPE:
		return -1;
	default:
		return 0;
	}
}

static int
dialog_key(struct screen *screen, struct tui *tui, int key)
{
	struct page *page = (struct page *)screen;
	struct dialog *dialog = page->data;
	int done;

	switch (dialog->step) {
	case STEP_MODE:
		done = dialog_choose(dialog, key, DIALOG_MODE_COUNT);
		if (done < 0)
			return TUI_BACK;
		if (done > 0) {
			dialog->mode = dialog->cursor;
			dialog->value[0] = '\0';
			dialog->step = dialog_modes[dialog->mode].value_prompt ? STEP_VALUE : STEP_SCOPE;
			dialog->cursor = 0;
		}
		break;
	case STEP_VALUE:
		done = tui_edit(dialog->value, sizeof dialog->value, key);
		if (done < 0) {
			dialog->step = STEP_MODE;
			dialog->cursor = dialog->mode;
		} else if (done > 0 && dialog_parse_value(dialog, tui)) {
			dialog->step = STEP_SCOPE;
			dialog->cursor = 0;
		}
		break;
	case STEP_SCOPE:
		done = dialog_choose(dialog, key, dialog->topic_count + 1);
		if (done < 0) {
			dialog->step = STEP_MODE;
			dialog->cursor = dialog->mode;
		} else if (done > 0) {
			dialog->scope = dialog->cursor;
			dialog->step = STEP_PLAN;
			dialog_plan(dialog);
		}
		break;
	case STEP_PLAN:
		if (key == TUI_ESCAPE) {
			dialog->step = STEP_SCOPE;
			dialog->cursor = dialog->scope;
		} else if (key == '\r' || key == '\n') {
			dialog_plan(dialog);       /* again: the group may have stopped since */
		}
		break;
	case STEP_CONFIRM:
		done = tui_edit(dialog->confirm, sizeof dialog->confirm, key);
		if (done < 0)
			return TUI_BACK;
		if (done > 0)
			dialog_apply(dialog, tui);
		break;
	case STEP_RESULT:
		if (key == TUI_ESCAPE || key == '\r' || key == '\n' || key == 'q')
			return TUI_BACK;
		return page_key(screen, tui, key);
	}
	dialog_build(page, tui);
	return TUI_REDRAW;
}

static const struct tui_key dialog_keys[] = {
	{ "Enter", "Choose", "take the choice under the cursor, or what was typed", false },
	{ "Esc", "Back", "the step before; from the first step or the confirmation, cancel", false },
	{ "\u2191\u2193", "Move", "move among the choices", false },
};

static const struct screen_class dialog_class = {
	.name = "Reset",
	.keys = dialog_keys,
	.key_count = sizeof dialog_keys / sizeof dialog_keys[0],
	.reload = dialog_reload,
	.draw = dialog_draw,
	.key = dialog_key,
	.prompt = dialog_prompt,
	.free = page_free,
};

struct screen *
dialog_reset_new(const char *cluster, const char *group)
{
	struct dialog *dialog = tui_alloc(sizeof *dialog);
	char title[1024];
	struct page *page;

	dialog->cluster = tui_strdup(cluster);
	dialog->group = tui_strdup(group);
	snprintf(title, sizeof title, "Reset the offsets of %s on %s", group, cluster);
	page = page_new(title, &dialog_class);
	page->data = dialog;
	page->free_data = dialog_free_data;
	return &page->screen;
}
