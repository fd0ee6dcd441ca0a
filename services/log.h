// Log: what `pochta serve` has to say as it runs, through spdlog (Debian's
// libspdlog-dev). Under systemd, when stderr is the journal (JOURNAL_STREAM
// names it), each message goes to journald through spdlog's systemd sink,
// with its PRIORITY and SYSLOG_IDENTIFIER=pochta, so `journalctl -u pochta
// -p warning` finds the warnings. Otherwise each is one line on stderr:
//
//   2026-11-23T03:45:01.123Z warning pochta serve: the forecast failed: ...
//
// The lines a caller reads from stdout ("listening on ADDRESS") stay there.
//
// Thread-safety: the logger and its sinks may be used from any thread.
#pragma once

#include "spdlog/logger.h"

namespace pochta::services {

spdlog::logger& Log();

}  // namespace pochta::services
