/* kclient: librdkafka clients built from kfleet's settings, shared by the agent and kfleet. */
#ifndef KFLEET_KCLIENT_H
#define KFLEET_KCLIENT_H

#include <stddef.h>
#include <librdkafka/rdkafka.h>

/* One librdkafka property: the name librdkafka knows (the config file's key without
 * "kafka."), and its value. */
struct kclient_setting {
	const char *key;
	const char *value;
};

/* A librdkafka configuration from COUNT SETTINGS, to which the caller may add
 * callbacks. On failure return NULL and set *err to one line naming the setting at
 * fault (caller frees); values of secret settings never appear in it. */
rd_kafka_conf_t *kclient_conf_new(const struct kclient_setting *settings, size_t count,
                                  char **err);

/* Create a client of TYPE. Takes ownership of CONF in every case. On failure return
 * NULL and set *err (caller frees). */
rd_kafka_t *kclient_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char **err);

/* Where librdkafka's own log lines go (level as syslog's, facility such as "FAIL").
 * kfleet reports every failure itself, in one line that names it, so by default they go
 * nowhere; the agent passes them to its log at debug level. SINK runs on librdkafka's
 * threads: it must be thread-safe. Set it before the first client is made. */
typedef void kclient_log_sink(int level, const char *facility, const char *message);
void kclient_set_log_sink(kclient_log_sink *sink);

/* "what: ERR's text". For an error that means no broker answered (transport, timeout, all
 * brokers down, TLS, authentication, name resolution), also the connection failure
 * librdkafka logged last for RK in the last minute, and what to check, e.g. "metadata:
 * Local: Broker transport failure (127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1
 * failed: Connection refused ...); check kafka.bootstrap.servers and that the brokers
 * run". Caller frees; NULL when out of memory. */
char *kclient_error(rd_kafka_t *rk, const char *what, rd_kafka_resp_err_t err);

/* rd_kafka_destroy, and forget RK's logged failure (a new client may get its address). */
void kclient_destroy(rd_kafka_t *rk);

/* Whether KEY names a secret (password, private key) that must never be echoed. */
int kclient_setting_is_secret(const char *key);

/* Admin options for OP on RK, with librdkafka's request timeout TIMEOUT_MS, except for
 * the requests to a group coordinator (DescribeConsumerGroups, ListConsumerGroupOffsets,
 * AlterConsumerGroupOffsets, DeleteConsumerGroupOffsets, DeleteGroups): those get the
 * longest timeout librdkafka takes, an hour. librdkafka 2.0.2 (and its releases since)
 * frees such a request when it times out while its coordinator is still out of reach, and
 * touches it again when the coordinator answers: the process aborts in
 * rd_kafka_enq_once_del_source_return ("eonce->refcnt > 0"). So a caller waits for them by
 * a deadline of its own, and destroys, within the hour, a client on which it stopped
 * waiting for one: rd_kafka_destroy ends such requests safely (struct kclient below does
 * that). Caller destroys the options. */
rd_kafka_AdminOptions_t *kclient_admin_options(rd_kafka_t *rk, rd_kafka_admin_op_t op,
                                               int timeout_ms);

/* A client that can be made again: a librdkafka handle and a copy of its configuration.
 * A caller that stops waiting for a group coordinator's request (see
 * kclient_admin_options) says so with kclient_gave_up; the next kclient_refresh destroys
 * the handle, which ends such requests safely, and makes a new one. A caller refreshes
 * once its requests are over (every queue of the old handle destroyed) and before it
 * next uses the client: the agent after each cycle, a reset after each step. */
struct kclient;

/* A client of TYPE. Takes ownership of CONF in every case. On failure return NULL and set
 * *err (caller frees). */
struct kclient *kclient_open(rd_kafka_type_t type, rd_kafka_conf_t *conf, char **err);

/* The client's librdkafka handle, until the next kclient_refresh that renews it. */
rd_kafka_t *kclient_handle(const struct kclient *client);

/* Note that a coordinator request on CLIENT went unanswered in time and was given up on. */
void kclient_gave_up(struct kclient *client);

/* If a request was given up on, CLIENT on a new handle, the old one destroyed. Returns 1
 * when renewed, 0 when there was nothing to do, -1 with *err set (caller frees) when a
 * new handle could not be made: the old one is kept and the next call tries again. */
int kclient_refresh(struct kclient *client, char **err);

/* How many times CLIENT was renewed. */
unsigned kclient_renewals(const struct kclient *client);

/* Destroy CLIENT and its handle (NULL: nothing). */
void kclient_close(struct kclient *client);

/* Wait up to TIMEOUT_MS on QUEUE for an event of TYPE; events of other types are
 * destroyed. Returns the event (caller destroys) or NULL on timeout. */
rd_kafka_event_t *kclient_wait_event(rd_kafka_queue_t *queue, rd_kafka_event_type_t type,
                                     int timeout_ms);

#endif
