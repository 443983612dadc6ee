/* kfleet-agent: collects one Kafka cluster into the catalog, every interval. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/collect.h"
#include "agent/http.h"
#include "agent/log.h"
#include "kfleet/cluster_config.h"
#include "kfleet/history.h"
#include "kfleet/monotonic.h"
#include "kfleet/owners.h"
#include "kfleet/snapshot.h"
#include "kfleet/store.h"

#define AGENT_EXIT_FAILED 1
#define AGENT_EXIT_USAGE 2
#define AGENT_DEFAULT_CATALOG "/var/lib/kfleet/catalog.db"
#define AGENT_MAX_REQUEST_MS 15000  /* one request's timeout, at most */
#define AGENT_FIRST_BACKOFF_MS 1000 /* an unreachable cluster is retried after this, doubling */

/* Set by the signal handlers, acted on by the loop. */
static volatile sig_atomic_t agent_stop, agent_reload;

/* In the collector: the pipe on which it tells its supervisor that it finished a cycle,
 * once; -1 when told, or when there is no supervisor (--once). */
static int agent_cycled_fd = -1;

static void
agent_on_stop(int signal_number)
{
	(void)signal_number;
	agent_stop = 1;
}

static void
agent_on_reload(int signal_number)
{
	(void)signal_number;
	agent_reload = 1;
}


/* Sleep MS, waking early for a signal the loop must act on. */
static void
agent_sleep(int64_t ms)
{
	while (ms > 0 && !agent_stop && !agent_reload) {
		int64_t step = ms < 100 ? ms : 100;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = step * 1000000 };

		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet-agent --config FILE [--once] [--log-level LEVEL]\n"
	        "\n"
	        "Collects one Kafka cluster into the kfleet catalog every interval: brokers,\n"
	        "topics, partitions and watermarks, topic configs, ACLs, consumer groups and\n"
	        "their committed offsets. Serves /healthz, /readyz, /metrics (Prometheus) and\n"
	        "/api/v1/ on the file's listen address (not with --once). See kfleet-agent(8)\n"
	        "for the configuration file and the endpoints.\n"
	        "\n"
	        "  -c, --config FILE      the cluster's configuration file\n"
	        "      --once             collect once, write the generation and exit\n"
	        "      --log-level LEVEL  error, warn, info (default) or debug\n"
	        "  -h, --help             show this help and exit\n"
	        "  -V, --version          show the version and exit\n"
	        "\n"
	        "Signals: SIGTERM and SIGINT stop after the cycle in progress (which is not\n"
	        "written); SIGHUP reloads the configuration file. The collector runs in a child\n"
	        "process that is started again if it crashes.\n");
}

/* The running agent: its configuration and what it made from it. */
struct agent {
	struct cluster_config *config;
	struct store *store;
	struct collector *collector;
	struct http *http;          /* NULL with --once */
	struct history *history;    /* opened at the first cycle; NULL: not yet, or unreadable */
	unsigned write_failures;    /* cycles in a row whose generation could not be written */
	char *write_error;          /* the latest one's reason, or NULL */
};

static void
agent_close(struct agent *agent)
{
	http_stop(agent->http);
	history_free(agent->history);
	collector_free(agent->collector);
	store_close(agent->store);
	cluster_config_free(agent->config);
	free(agent->write_error);
	*agent = (struct agent){ 0 };
}

/* Load PATH and open its catalog and collector into AGENT. On failure print why and
 * return the exit status (AGENT_EXIT_USAGE for a bad file). */
static int
agent_open(struct agent *agent, const char *path)
{
	const char *catalog;
	char *err = NULL;

	agent->config = cluster_config_load(path, &err);
	if (agent->config == NULL) {
		agent_log(LOG_ERROR, "%s", err);
		free(err);
		return AGENT_EXIT_USAGE;
	}
	catalog = agent->config->catalog;
	if (catalog == NULL)
		catalog = getenv("KFLEET_CATALOG");
	if (catalog == NULL || *catalog == '\0')
		catalog = AGENT_DEFAULT_CATALOG;
	agent->store = store_open(catalog, &err);
	if (agent->store == NULL) {
		agent_log(LOG_ERROR, "%s", err);
		free(err);
		agent_close(agent);
		return AGENT_EXIT_FAILED;
	}
	agent->collector = collector_new(agent->config->cluster, agent->config->kafka,
	                                 agent->config->kafka_count, &err);
	if (agent->collector == NULL) {
		agent_log(LOG_ERROR, "%s: %s", path, err);
		free(err);
		agent_close(agent);
		return AGENT_EXIT_USAGE;
	}
	return 0;
}

/* What the HTTP side needs of AGENT's configuration. */
static struct http_settings
agent_http_settings(const struct agent *agent)
{
	return (struct http_settings){
		.cluster = agent->config->cluster,
		.listen = agent->config->listen,
		.token = agent->config->http_token,
		.interval_ms = agent->config->interval_ms,
	};
}

/* A second connection to AGENT's catalog, for the HTTP thread; NULL (logged) on failure. */
static struct store *
agent_http_catalog(const struct agent *agent)
{
	char *err = NULL;
	struct store *catalog = store_open(store_path(agent->store), &err);

	if (catalog == NULL) {
		agent_log(LOG_ERROR, "%s", err);
		free(err);
	}
	return catalog;
}

/* Serve HTTP on the configured address. A bad or taken address is a start-up error
 * naming the configuration line. Returns 0 or the exit status. */
static int
agent_serve(struct agent *agent)
{
	const struct cluster_config *config = agent->config;
	struct http_settings settings = agent_http_settings(agent);
	struct store *catalog = agent_http_catalog(agent);
	unsigned line = cluster_config_line(config, "listen");
	char *err = NULL;

	if (catalog == NULL)
		return AGENT_EXIT_FAILED;
	agent->http = http_start(&settings, catalog, &err);
	if (agent->http == NULL) {
		if (line != 0)
			agent_log(LOG_ERROR, "%s:%u: %s", config->path, line,
			          err != NULL ? err : "out of memory");
		else
			agent_log(LOG_ERROR, "%s: %s (the default listen address)", config->path,
			          err != NULL ? err : "out of memory");
		free(err);
		return AGENT_EXIT_FAILED;
	}
	agent_log(LOG_INFO, "%s: serving HTTP on %s (port %u)%s", config->cluster, config->listen,
	          http_port(agent->http), config->http_token != NULL ? ", bearer token required" : "");
	return 0;
}

/* What the metrics show of each of RESULT's groups beyond the snapshot, in RESULT's arena:
 * its owner (labels are empty, logged, when the catalog's ownership cannot be read) and
 * what the lag history said of it in the cycle just written (EVALUATED). */
static const struct metrics_group *
agent_group_facts(struct agent *agent, struct collect_result *result, bool evaluated)
{
	const struct snapshot *snapshot = &result->snapshot;
	const struct history_group_eval *evals = NULL;
	struct metrics_group *groups;
	struct owners *owners;
	size_t eval_count = 0;
	char *err = NULL;

	owners = owners_load(agent->store, &err);
	if (owners == NULL) {
		agent_log(LOG_WARN, "%s: metrics without team and service: %s", snapshot->cluster,
		          err);
		free(err);
	}
	if (evaluated && agent->history != NULL)
		evals = history_evaluation(agent->history, &eval_count);
	if (eval_count != snapshot->group_count)
		evals = NULL;
	groups = arena_array(&result->arena, snapshot->group_count, sizeof *groups);
	for (size_t g = 0; groups != NULL && g < snapshot->group_count; g++) {
		const struct snapshot_group *group = &snapshot->groups[g];
		struct owner owner = owners != NULL ? owners_group(owners, snapshot->cluster, group->name)
		                                    : (struct owner){ 0 };
		int64_t *time_lags = evals != NULL ? arena_array(&result->arena, group->offset_count + 1,
		                                                 sizeof *time_lags) : NULL;

		groups[g] = (struct metrics_group){
			.service = arena_strdup(&result->arena, owner.service),
			.team = arena_strdup(&result->arena, owner.team),
			.status = evals != NULL ? evals[g].status : LAG_STATUS_UNKNOWN,
			.max_time_lag_ms = evals != NULL ? evals[g].max_time_lag_ms : -1,
			.time_lag_ms = time_lags,
		};
		for (size_t o = 0; time_lags != NULL && o < group->offset_count; o++)
			time_lags[o] = evals[g].offsets[o].time_lag_ms;
	}
	owners_free(owners);
	return groups;
}

/* AGENT's lag history, read from the catalog at the first cycle (and after a reload that
 * names another cluster). NULL, logged, when it cannot be read: generations are written
 * without time lag and status, and the next cycle tries again. */
static struct history *
agent_history(struct agent *agent)
{
	const struct cluster_config *config = agent->config;
	struct history_policy policy = {
		.keep_ms = config->history_ms,
		.lag = { .window = config->lag_window, .stopped_after_ms = config->lag_stopped_after_ms },
	};
	char *err = NULL;

	if (agent->history != NULL) {
		history_set_policy(agent->history, &policy);
		return agent->history;
	}
	agent->history = history_open(agent->store, config->cluster, &policy, &err);
	if (agent->history == NULL) {
		agent_log(LOG_WARN, "%s: generations without time lag and status: %s",
		          config->cluster, err);
		free(err);
	}
	return agent->history;
}

/* COUNT of a section of SNAPSHOT as the log says it: "not collected" when it failed
 * (its rows are not written). */
static const char *
agent_count(char buf[static 24], const struct snapshot *snapshot, enum snapshot_section section,
            size_t count)
{
	if (snapshot->section_errors[section] != NULL)
		return "not collected";
	snprintf(buf, 24, "%zu", count);
	return buf;
}

/* Write RESULT's generation to the catalog: 0, or -1 with the reason, which the caller
 * frees, in *ERR. A catalog that cannot be written (a full disk, a read-only file) is
 * logged once, not every cycle, until it is written again. */
static int
agent_write(struct agent *agent, const struct collect_result *result, char **err)
{
	const char *cluster = agent->config->cluster;

	if (snapshot_write(agent->store, &result->snapshot, agent_history(agent), err) < 0) {
		bool again = agent->write_error != NULL && strcmp(agent->write_error, *err) == 0;

		agent_log(again ? LOG_DEBUG : LOG_ERROR, "%s: generation not written: %s (the "
		          "metrics are served from memory; the next cycle tries again)", cluster, *err);
		free(agent->write_error);
		agent->write_error = strdup(*err);
		agent->write_failures++;
		return -1;
	}
	if (agent->write_failures > 0)
		agent_log(LOG_INFO, "%s: the catalog is written again, after %u cycles that could "
		          "not write it", cluster, agent->write_failures);
	free(agent->write_error);
	agent->write_error = NULL;
	agent->write_failures = 0;
	return 0;
}

/* One cycle: collect and write a generation, or record the cluster as unreachable.
 * Returns 0 when a generation was written, 1 when it was collected but could not be
 * written, -1 when the cluster was not collected. */
static int
agent_cycle(struct agent *agent)
{
	const struct cluster_config *config = agent->config;
	int timeout_ms = (int)(config->interval_ms < AGENT_MAX_REQUEST_MS ? config->interval_ms
	                                                                   : AGENT_MAX_REQUEST_MS);
	struct collect_result *result = NULL;
	char *err = NULL;
	int status = 0;

	if (collector_run(agent->collector, timeout_ms, &result, &err) < 0) {
		char *reason = err;

		/* Served first: by the time the log says so, /readyz and /metrics do too, and
		 * a catalog slow to write (locked, a full disk) cannot hold them back. */
		if (agent->http != NULL)
			http_publish_failure(agent->http, reason);
		agent_log(LOG_WARN, "%s: unreachable: %s", config->cluster, reason);
		if (snapshot_mark_unreachable(agent->store, config->cluster, reason, collect_now_ms(),
		                              &err) < 0) {
			agent_log(LOG_ERROR, "%s", err);
			free(err);
		}
		free(reason);
		return -1;
	}
	if (agent_stop) {
		agent_log(LOG_INFO, "%s: stopping: the cycle in progress is not written", config->cluster);
		collect_result_free(result);
		return -1;
	}
	for (int s = 0; s < SNAPSHOT_SECTION_COUNT; s++)
		if (result->snapshot.section_errors[s] != NULL)
			agent_log(LOG_WARN, "%s: %s: %s", config->cluster, snapshot_section_name(s),
			          result->snapshot.section_errors[s]);
	int64_t write_started = monotonic_ms();

	if (agent_write(agent, result, &err) < 0) {
		status = 1;
	} else {
		const struct collect_requests *r = &result->requests;
		const struct snapshot *s = &result->snapshot;
		char brokers[24], topics[24], groups[24], acls[24];

		agent_log(LOG_INFO, "%s: generation written: brokers %s, topics %s, groups %s, "
		          "ACLs %s in %lld ms, written in %lld ms (requests: %d metadata, %d ListOffsets, "
		          "%d DescribeConfigs, %d DescribeAcls, %d ListGroups, %d DescribeGroups, "
		          "%d OffsetFetch)", config->cluster,
		          agent_count(brokers, s, SNAPSHOT_BROKERS, s->broker_count),
		          agent_count(topics, s, SNAPSHOT_TOPICS, s->topic_count),
		          agent_count(groups, s, SNAPSHOT_GROUPS, s->group_count),
		          agent_count(acls, s, SNAPSHOT_ACLS, s->acl_count),
		          (long long)result->snapshot.cycle_duration_ms,
		          (long long)(monotonic_ms() - write_started), r->metadata, r->list_offsets,
		          r->describe_configs, r->describe_acls, r->list_groups, r->describe_groups,
		          r->list_group_offsets);
	}
	/* Served even when the catalog could not be written (a full disk stops no scrape). */
	if (agent->http != NULL) {
		const struct metrics_group *groups = agent_group_facts(agent, result, status == 0);

		http_publish(agent->http, result, groups, err);
		result = NULL;
	}
	collect_result_free(result);
	free(err);
	return status;
}

/* Hand AGENT's HTTP server over to RELOADED, with its settings. The listen address is
 * the one thing kept (rebinding needs a restart). Returns 0, or -1 (RELOADED closed). */
static int
agent_reload_http(struct agent *agent, struct agent *reloaded)
{
	struct http_settings settings = agent_http_settings(reloaded);
	struct store *catalog = agent_http_catalog(reloaded);
	int applied = catalog != NULL ? http_reconfigure(agent->http, &settings, catalog) : -1;

	if (applied < 0) {
		agent_close(reloaded);
		return -1;
	}
	if (applied == 1)
		agent_log(LOG_WARN, "%s: listen = %s needs a restart; still serving HTTP on %s",
		          reloaded->config->path, reloaded->config->listen, agent->config->listen);
	reloaded->http = agent->http;
	agent->http = NULL;
	return 0;
}

/* Collect every interval until stopped; an unreachable cluster is retried sooner, with
 * a backoff that doubles up to the interval. SIGHUP reloads PATH (a bad new file keeps
 * the running configuration). */
static int
agent_loop(struct agent *agent, const char *path)
{
	int64_t backoff_ms = AGENT_FIRST_BACKOFF_MS;

	while (!agent_stop) {
		int64_t started = monotonic_ms(), wait_ms;

		int cycled = agent_cycle(agent);

		if (agent_cycled_fd >= 0) {
			/* Not crashing at start: a later crash is a new incident, not a loop. */
			(void)!write(agent_cycled_fd, "", 1);
			close(agent_cycled_fd);
			agent_cycled_fd = -1;
		}
		/* Collected (written or not): the cluster is fine, the interval holds. */
		if (cycled >= 0) {
			backoff_ms = AGENT_FIRST_BACKOFF_MS;
			wait_ms = agent->config->interval_ms - (monotonic_ms() - started);
		} else {
			wait_ms = backoff_ms < agent->config->interval_ms ? backoff_ms
			                                                  : agent->config->interval_ms;
			backoff_ms *= 2;
		}
		agent_sleep(wait_ms);
		if (agent_reload && !agent_stop) {
			struct agent reloaded = { 0 };

			agent_reload = 0;
			if (agent_open(&reloaded, path) == 0 && agent_reload_http(agent, &reloaded) == 0) {
				if (strcmp(reloaded.config->cluster, agent->config->cluster) == 0) {
					reloaded.history = agent->history;   /* the new policy at the next cycle */
					agent->history = NULL;
				}
				agent_close(agent);
				*agent = reloaded;
				agent_log(LOG_INFO, "%s: configuration reloaded", path);
			} else {
				agent_log(LOG_WARN, "%s: not reloaded: the running configuration stays",
				          path);
			}
		}
	}
	agent_log(LOG_INFO, "%s: stopped", agent->config->cluster);
	return 0;
}

/* Whether the collector said on FD that it finished a cycle; false until it did. */
static bool
agent_child_cycled(int fd)
{
	char byte;

	return fd >= 0 && read(fd, &byte, 1) == 1;
}

/* The agent in a child process, started again when it dies of a signal it was not sent:
 * librdkafka 2.0.2 has known assertions and crashes in its admin paths while brokers
 * come and go (doc/kafka-compat.md), and an agent must outlive them. A collector that
 * had finished a cycle is started again after 1 s; one that dies before its first, after
 * a delay doubling up to 30 s (a crash loop). Exit statuses pass through (a bad config
 * stays exit 2); SIGTERM, SIGINT and SIGHUP are handed to the child. Returns in the
 * child (0) to run the agent, else the status to exit with. */
static int
agent_supervise(pid_t *child)
{
	int64_t backoff_ms = AGENT_FIRST_BACKOFF_MS;

	for (;;) {
		pid_t parent = getpid(), done;
		bool cycled = false, told_to_stop = false;
		int status, cycled_pipe[2];

		if (pipe(cycled_pipe) < 0) {
			agent_log(LOG_ERROR, "cannot make the collector's pipe: %s", strerror(errno));
			return AGENT_EXIT_FAILED;
		}
		*child = fork();
		if (*child < 0) {
			agent_log(LOG_ERROR, "cannot fork the collector: %s", strerror(errno));
			close(cycled_pipe[0]);
			close(cycled_pipe[1]);
			return AGENT_EXIT_FAILED;
		}
		if (*child == 0) {
#ifdef HAVE_SYS_PRCTL_H
			/* A supervisor killed with SIGKILL takes its collector with it. */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
			if (getppid() != parent)
				_exit(EXIT_SUCCESS);
			close(cycled_pipe[0]);
			fcntl(cycled_pipe[1], F_SETFD, FD_CLOEXEC);
			agent_cycled_fd = cycled_pipe[1];
			return 0;
		}
		close(cycled_pipe[1]);
		fcntl(cycled_pipe[0], F_SETFL, O_NONBLOCK);
		while ((done = waitpid(*child, &status, WNOHANG)) == 0) {
			struct timespec tick = { .tv_sec = 0, .tv_nsec = 100 * 1000000 };

			if (agent_stop && !told_to_stop) {
				kill(*child, SIGTERM);
				told_to_stop = true;
			}
			if (agent_reload) {
				agent_reload = 0;
				kill(*child, SIGHUP);
			}
			cycled = cycled || agent_child_cycled(cycled_pipe[0]);
			nanosleep(&tick, NULL);     /* not agent_sleep: it returns at once once stopping */
		}
		cycled = cycled || agent_child_cycled(cycled_pipe[0]);
		close(cycled_pipe[0]);
		if (done < 0) {
			agent_log(LOG_ERROR, "waiting for the collector: %s", strerror(errno));
			return AGENT_EXIT_FAILED;
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (agent_stop)
			return EXIT_SUCCESS;
		if (cycled)
			backoff_ms = AGENT_FIRST_BACKOFF_MS;
		agent_log(LOG_ERROR, "the collector died of signal %d (%s)%s: starting it again in "
		          "%lld ms", WTERMSIG(status), strsignal(WTERMSIG(status)),
		          cycled ? "" : " before its first cycle ended", (long long)backoff_ms);
		agent_sleep(backoff_ms);
		if (agent_stop)
			return EXIT_SUCCESS;
		backoff_ms = backoff_ms * 2 < 30000 ? backoff_ms * 2 : 30000;
	}
}

/* What getopt_long (opterr 0, optstring starting with ':') found wrong in ARGV when it
 * returned OPT, '?' or ':': one line naming the option; returns AGENT_EXIT_USAGE. */
static int
agent_option_error(int opt, char **argv)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		fprintf(stderr, "kfleet-agent: option '%s' needs a value", arg);
	else if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		fprintf(stderr, "kfleet-agent: unknown option '-%c'", optopt);
	else
		fprintf(stderr, "kfleet-agent: unknown option '%s'", arg);
	fprintf(stderr, ": see 'kfleet-agent --help'\n");
	return AGENT_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	enum { OPT_ONCE = 256, OPT_LOG_LEVEL };
	static const struct option options[] = {
		{ .name = "config", .has_arg = required_argument, .val = 'c' },
		{ .name = "once", .has_arg = no_argument, .val = OPT_ONCE },
		{ .name = "log-level", .has_arg = required_argument, .val = OPT_LOG_LEVEL },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ .name = "version", .has_arg = no_argument, .val = 'V' },
		{ 0 },
	};
	struct sigaction stop = { .sa_handler = agent_on_stop };
	struct sigaction reload = { .sa_handler = agent_on_reload };
	struct agent agent = { 0 };
	pid_t child = 0;
	const char *path = NULL;
	int opt, once = 0, status;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case OPT_ONCE:
			once = 1;
			break;
		case OPT_LOG_LEVEL: {
			int level = agent_log_level_named(optarg);

			if (level < 0) {
				fprintf(stderr, "kfleet-agent: unknown log level '%s' (use error, warn, "
				        "info or debug): see 'kfleet-agent --help'\n", optarg);
				return AGENT_EXIT_USAGE;
			}
			agent_log_set_level((enum agent_log_level)level);
			break;
		}
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("kfleet-agent %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			return agent_option_error(opt, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kfleet-agent: unexpected argument '%s': see 'kfleet-agent --help'\n",
		        argv[optind]);
		return AGENT_EXIT_USAGE;
	}
	if (path == NULL) {
		fprintf(stderr, "kfleet-agent: --config FILE is required: see 'kfleet-agent --help'\n");
		return AGENT_EXIT_USAGE;
	}
#if defined(HAVE_MALLOC_H) && defined(M_ARENA_MAX)
	/* librdkafka runs a thread per broker and glibc gives each its own malloc arena,
	 * which keeps what it frees: one arena cuts the peak RSS of a 10,000-partition cycle
	 * from 33 to 26 MiB at no measurable cost in time (doc/benchmarks.md). */
	mallopt(M_ARENA_MAX, 1);
#endif
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGHUP, &reload, NULL);
	/* A file size limit reached is a write that fails (EFBIG), as on a full disk, not a
	 * dead agent. */
	signal(SIGXFSZ, SIG_IGN);
	kclient_set_log_sink(agent_log_librdkafka);
	/* Before any thread exists: fork and threads do not mix. */
	if (!once && (status = agent_supervise(&child)) != 0)
		return status;
	if (!once && child != 0)
		return EXIT_SUCCESS;
	status = agent_open(&agent, path);
	if (status != 0)
		return status;
	if (once)
		status = agent_cycle(&agent) == 0 ? EXIT_SUCCESS : AGENT_EXIT_FAILED;
	else if ((status = agent_serve(&agent)) == 0)
		status = agent_loop(&agent, path);
	agent_close(&agent);
	return status;
}
