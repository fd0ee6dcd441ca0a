// TrackingStore's feed: reading it from a cursor, and trimming it.
#include "fmt/format.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/internal/codec.h"
#include "storage/internal/impl.h"
#include "storage/internal/keys.h"

namespace pochta::storage {

FeedBounds TrackingStore::Feed() const {
  return {impl_->feed_trimmed.load(std::memory_order_acquire), impl_->durable_cursor.load(std::memory_order_acquire)};
}

absl::StatusOr<std::vector<FeedEntry>> TrackingStore::ReadFeed(uint64_t after, size_t limit) const {
  const Impl& d = *impl_;
  const FeedBounds bounds = Feed();
  const auto trimmed = [&](uint64_t kept_after) {
    return absl::OutOfRangeError(
        fmt::format("cursor {} is older than the feed keeps: it keeps the events after cursor {}", after, kept_after));
  };
  if (after < bounds.trimmed) return trimmed(bounds.trimmed);
  if (after > bounds.newest) {
    return absl::OutOfRangeError(fmt::format(
        "cursor {} is past the newest entry of the feed, cursor {}: a cursor of another store?", after, bounds.newest));
  }
  std::vector<FeedEntry> entries;
  if (after == bounds.newest || limit == 0 || !d.cf[internal::kFeed]) return entries;
  const std::string end = internal::FeedKey(bounds.newest + 1);
  const rocksdb::Slice upper(end);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(read, d.cf[internal::kFeed]));
  for (it->Seek(internal::FeedKey(after + 1)); it->Valid() && entries.size() < limit; it->Next()) {
    absl::StatusOr<FeedEntry> entry = internal::DecodeFeedEntry(it->key().ToStringView(), it->value().ToStringView());
    if (!entry.ok()) return entry.status();
    // Cursors have no gaps: a missing one was trimmed after the bounds were read.
    if (entry->cursor != after + 1 + entries.size()) return trimmed(entry->cursor - 1);
    entries.push_back(*std::move(entry));
  }
  if (absl::Status s = internal::FromRocks(it->status(), "cannot read the feed"); !s.ok()) return s;
  if (entries.empty()) return trimmed(d.feed_trimmed.load());
  return entries;
}

absl::StatusOr<uint64_t> TrackingStore::TrimFeed(core::Timestamp before) {
  Impl& d = *impl_;
  std::unique_lock lock(d.write_mu);
  if (!d.write_error.ok()) return d.write_error;
  if (!d.cf[internal::kFeed]) return 0;
  const uint64_t first = d.feed_trimmed.load() + 1;
  uint64_t last = first - 1;  // the newest entry to delete
  std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator({}, d.cf[internal::kFeed]));
  for (it->Seek(internal::FeedKey(first)); it->Valid(); it->Next()) {
    absl::StatusOr<FeedEntry> entry = internal::DecodeFeedEntry(it->key().ToStringView(), it->value().ToStringView());
    if (!entry.ok()) return entry.status();
    if (entry->event.received_at >= before) break;
    last = entry->cursor;
  }
  if (absl::Status s = internal::FromRocks(it->status(), "cannot read the feed"); !s.ok()) return s;
  it.reset();
  if (last < first) return 0;
  rocksdb::WriteBatch batch;
  batch.DeleteRange(d.cf[internal::kFeed], internal::FeedKey(first), internal::FeedKey(last + 1));
  batch.Put(d.cf[internal::kDefault], internal::kFeedTrimmedKey, std::to_string(last));
  // Readers check the bounds first: once the mark moves, none starts inside
  // the range, and one already reading finds the gap.
  d.feed_trimmed.store(last, std::memory_order_release);
  if (absl::Status s = d.Commit(batch, lock); !s.ok()) return s;
  return last - first + 1;
}

}  // namespace pochta::storage
