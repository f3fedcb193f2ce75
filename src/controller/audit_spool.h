#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aviary::controller {

// A directory of audit lines waiting for delivery (`--audit-spool DIR`), so that what the audit
// webhook has not delivered yet survives a restart of the controller.
//
// Contract:
// - One file per record, named by its sequence number in 20 zero-padded decimal digits plus
//   ".json" (so the names sort in sequence order), holding the line exactly as it will be sent.
// - write() returns only once the record is durable: it is written to a temporary name
//   (".tmp-" + the final name), fsync'd, renamed to its final name, and the directory fsync'd.
// - open() reads back every record left in DIR, in sequence order, for the caller to send before
//   anything new; the sequence continues after the highest number found. A record that cannot be
//   read back (unreadable, or not a JSON object) is removed and reported, so it is never retried
//   forever; temporary files (a write cut short) are removed silently; other names are left alone.
// - remove() deletes a record once it was delivered (or given up); removing one that is already
//   gone succeeds. A record resurrected by a crash right after its removal is sent again, which
//   at-least-once delivery allows (the receiver drops repeats by id).
// Thread-safe. One process per directory: two controllers sharing DIR would send each other's
// records (the chart gives each pod an emptyDir of its own).
class AuditSpool final {
 public:
  struct Record {
    std::uint64_t sequence = 0;
    std::string line;
  };
  struct Unreadable {
    std::string file;  // its name in DIR
    std::string why;
  };
  struct Opened {
    std::unique_ptr<AuditSpool> spool;
    std::vector<Record> pending;         // in sequence order
    std::vector<Unreadable> unreadable;  // already removed
  };

  // Creates DIR if needed. Errors: DIR cannot be created or listed.
  static Result<Opened> open(const std::filesystem::path& dir);

  // Makes `line` durable as the next record; returns its sequence number.
  Result<std::uint64_t> write(std::string_view line);
  Status remove(std::uint64_t sequence);

  const std::filesystem::path& dir() const { return dir_; }
  // "00000000000000000042.json" for 42.
  static std::string fileName(std::uint64_t sequence);

 private:
  AuditSpool(std::filesystem::path dir, std::uint64_t next);

  std::filesystem::path dir_;
  std::mutex mutex_;  // orders writes: sequence numbers are handed out in the order records land
  std::uint64_t next_;
};

}  // namespace aviary::controller
