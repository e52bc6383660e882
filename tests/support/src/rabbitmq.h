// RabbitMQ with its MQTT plugin as a test broker: a node of its own (name,
// ports, data and log folders in the test's temp folder), so that tests
// running side by side do not meet, and nothing of the system's RabbitMQ
// (Debian starts none in a container) is touched.
#pragma once

#include <sys/types.h>

#include "crm/testing/temp_dir.h"

namespace crm::testing {

// Writes the node's configuration into `dir`: MQTT on 127.0.0.1:`port`,
// anonymous access, no AMQP listener.
void writeRabbitmqConfig(const TempDir& dir, int port);
// Starts the node in the foreground; returns its pid (-1 when RabbitMQ is
// not installed). SIGTERM stops it cleanly; its data stays in `dir`, so a
// restart keeps persistent sessions and their queued messages.
pid_t startRabbitmq(const TempDir& dir, int port);

}  // namespace crm::testing
