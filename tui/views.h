/* views: the terminal UI's screens. The top-level views (view_list.c: the lists;
 * view_topology.c: the graph), the details opened from them (detail.c) and the reset
 * dialog (dialog_reset.c). */
#ifndef KFLEET_VIEWS_H
#define KFLEET_VIEWS_H

#include "tui/tui.h"

/* Make every top-level view of TUI (tui->views); they read the catalog when shown. */
void views_create(struct tui *tui);

/* Details: a new screen for the group, topic, service, team or cluster named, to push. */
struct screen *detail_group(const char *cluster, const char *group);
struct screen *detail_topic(const char *cluster, const char *topic);
struct screen *detail_service(const char *service);
struct screen *detail_cluster(const char *cluster);
struct screen *detail_reset(long long id);

/* The Topology view, and showing in it the neighbourhood of what is named (NULL: not
 * that; a group stands for its owning service when it has one). */
struct screen *view_topology_new(void);
void view_topology_focus(struct tui *tui, const char *service, const char *team,
                         const char *cluster, const char *topic, const char *group);

#endif
