/* coordinator_wait: asks a group coordinator for a group's committed offsets
 * (ListConsumerGroupOffsets) while the test stops and starts the broker, for
 * tests/integration/test_faults_coordinator.sh.
 *   coordinator_wait BOOTSTRAP GROUP
 * It reads one command a line from stdin and answers each with one line on stdout:
 *   metadata   the cluster's metadata:           "metadata: ok" or "metadata: ERROR"
 *   ask MS     the offsets, options from kclient_admin_options, waited for MS by its own
 *              clock: "answered: ok|ERROR", or "unanswered" (and kclient_gave_up)
 *   raw MS     the same with librdkafka's own request timeout of MS (what kfleet no longer
 *              does): "answered: ..." or "unanswered"
 *   late MS    waits up to MS for the answer to an earlier request: "late: ok|ERROR" or
 *              "no late answer"
 *   refresh    kclient_refresh: "renewed" (the handle destroyed, with what it still held,
 *              and a new one made), "kept" (nothing was given up on) or "failed: ERROR"
 *   quit       destroys the client and exits 0: "done" */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfleet/kclient.h"

static const char *bootstrap, *group;

static struct kclient *
client_new(void)
{
	const struct kclient_setting settings[] = {
		{ "bootstrap.servers", bootstrap },
		{ "group.id", "kfleet-coordinator-wait" },
	};
	char *err = NULL;
	rd_kafka_conf_t *conf = kclient_conf_new(settings, 2, &err);
	struct kclient *client = conf != NULL ? kclient_open(RD_KAFKA_CONSUMER, conf, &err) : NULL;

	if (client == NULL) {
		fprintf(stderr, "coordinator_wait: %s\n", err);
		exit(1);
	}
	return client;
}

/* One answer on QUEUE within MS, printed after PREFIX; 0 when none came. */
static int
answer(rd_kafka_queue_t *queue, int ms, const char *prefix)
{
	rd_kafka_event_t *ev =
		kclient_wait_event(queue, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT, ms);

	if (ev == NULL)
		return 0;
	printf("%s: %s\n", prefix, rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR
	                           ? "ok" : rd_kafka_event_error_string(ev));
	rd_kafka_event_destroy(ev);
	return 1;
}

int
main(int argc, char **argv)
{
	char line[128];
	struct kclient *client;
	rd_kafka_t *rk;
	rd_kafka_queue_t *queue;

	if (argc != 3) {
		fprintf(stderr, "usage: coordinator_wait BOOTSTRAP GROUP\n");
		return 2;
	}
	bootstrap = argv[1];
	group = argv[2];
	client = client_new();
	rk = kclient_handle(client);
	queue = rd_kafka_queue_new(rk);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof line, stdin) != NULL) {
		int ms = 0;

		if (strncmp(line, "metadata", 8) == 0) {
			const struct rd_kafka_metadata *md;
			rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, NULL, &md, 10000);

			if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
				rd_kafka_metadata_destroy(md);
			printf("metadata: %s\n", err == RD_KAFKA_RESP_ERR_NO_ERROR ? "ok"
			                                                            : rd_kafka_err2str(err));
		} else if (sscanf(line, "ask %d", &ms) == 1 || sscanf(line, "raw %d", &ms) == 1) {
			rd_kafka_ListConsumerGroupOffsets_t *request =
				rd_kafka_ListConsumerGroupOffsets_new(group, NULL);
			rd_kafka_AdminOptions_t *options;
			char errstr[256];

			if (line[0] == 'a') {
				options = kclient_admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, ms);
			} else {
				options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
				rd_kafka_AdminOptions_set_request_timeout(options, ms, errstr, sizeof errstr);
			}
			rd_kafka_ListConsumerGroupOffsets(rk, &request, 1, options, queue);
			rd_kafka_ListConsumerGroupOffsets_destroy(request);
			rd_kafka_AdminOptions_destroy(options);
			/* librdkafka's own timeout answers a little after MS. */
			if (!answer(queue, ms + (line[0] == 'r' ? 5000 : 0), "answered")) {
				kclient_gave_up(client);
				printf("unanswered\n");
			}
		} else if (sscanf(line, "late %d", &ms) == 1) {
			if (!answer(queue, ms, "late"))
				printf("no late answer\n");
		} else if (strncmp(line, "refresh", 7) == 0) {
			char *err = NULL;
			int renewed;

			rd_kafka_queue_destroy(queue);
			renewed = kclient_refresh(client, &err);
			rk = kclient_handle(client);
			queue = rd_kafka_queue_new(rk);
			if (renewed < 0)
				printf("failed: %s\n", err);
			else
				printf("%s\n", renewed > 0 ? "renewed" : "kept");
			free(err);
		} else if (strncmp(line, "quit", 4) == 0) {
			break;
		} else {
			fprintf(stderr, "coordinator_wait: unknown command: %s", line);
			return 2;
		}
	}
	rd_kafka_queue_destroy(queue);
	kclient_close(client);
	printf("done\n");
	return 0;
}
