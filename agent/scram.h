/* scram: the client side of SASL SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677),
 * as Kafka speaks it: no channel binding ("n,,"), no SASLprep of the password (Kafka's
 * own clients send it as is), '=' and ',' escaped in the user name. */
#ifndef KFLEET_SCRAM_H
#define KFLEET_SCRAM_H

#include <stddef.h>

struct scram;

#define SCRAM_MIN_ITERATIONS 4096
#define SCRAM_MAX_ITERATIONS 65536

/* A new exchange for MECHANISM ("SCRAM-SHA-256" or "SCRAM-SHA-512"); NULL when the
 * mechanism is not one of these or memory ran out. Free with scram_free. */
struct scram *scram_new(const char *mechanism);

/* Wipe and free the exchange (NULL is fine). */
void scram_free(struct scram *scram);

/* The client-first message for USER (caller frees). NONCE is the client nonce: NULL to
 * draw 24 random bytes (RAND_bytes), a fixed one only for tests. NULL on failure with
 * *err set (caller frees). */
char *scram_client_first(struct scram *scram, const char *user, const char *nonce, char **err);

/* The client-final message (caller frees), from the server-first message SERVER_FIRST
 * (LENGTH bytes, not terminated) and PASSWORD. Refuses a server nonce that does not
 * extend ours, and iteration counts outside SCRAM_MIN_ITERATIONS (Kafka's own minimum)
 * to SCRAM_MAX_ITERATIONS (a hostile server must not make us spin). NULL on failure with
 * *err set (caller frees). */
char *scram_client_final(struct scram *scram, const char *password, const char *server_first,
                         size_t length, char **err);

/* Check the server-final message (LENGTH bytes): 0 when its signature proves the server
 * knows the password, -1 with *err set (caller frees) otherwise. */
int scram_verify_server_final(struct scram *scram, const char *server_final, size_t length,
                              char **err);

#endif
