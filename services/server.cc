#include "services/server.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/files.h"
#include "core/network.h"
#include "core/operators.h"
#include "core/routing.h"
#include "fmt/format.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "services/auth.h"
#include "services/internal/feed_hub.h"
#include "services/internal/gateway.h"
#include "services/internal/http_server.h"
#include "services/internal/intake_service.h"
#include "services/internal/tracking_service.h"
#include "services/internal/watch_hub.h"
#include "services/log.h"
#include "services/metrics.h"
#include "storage/network_route_predictor.h"

namespace pochta::services {
namespace {

constexpr int kMaxMessageBytes = 4 << 20;

// Trims the event feed to `retention` at once and then every hour, until
// asked to stop.
void TrimFeedHourly(storage::TrackingStore& store, const core::Clock& clock, std::chrono::hours retention,
                    const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  while (!stop.stop_requested()) {
    const absl::StatusOr<uint64_t> trimmed = store.TrimFeed(clock.Now() - retention);
    if (!trimmed.ok())
      Log().error("pochta serve: trimming the event feed: {}", std::string(trimmed.status().message()));
    cv.wait_for(lock, stop, std::chrono::hours(1), [] { return false; });
  }
}

// Backs the store up into a directory on its own thread: every `every`
// (0: only when asked), and at once when Now is called.
class Backups {
 public:
  Backups(storage::TrackingStore& store, std::string dir, std::chrono::seconds every, uint32_t keep)
      : store_(store), dir_(std::move(dir)), every_(every), keep_(keep) {
    thread_ = std::jthread([this](std::stop_token stop) { Loop(stop); });
  }
  void Now() {
    std::lock_guard lock(mu_);
    asked_ = true;
    cv_.notify_all();
  }

 private:
  void Loop(const std::stop_token& stop) {
    std::unique_lock lock(mu_);
    while (true) {
      const auto due = [&] { return asked_; };
      if (every_.count() > 0) {
        cv_.wait_for(lock, stop, every_, due);
      } else {
        cv_.wait(lock, stop, due);
      }
      if (stop.stop_requested()) return;
      asked_ = false;
      lock.unlock();
      const auto began = std::chrono::steady_clock::now();
      const absl::StatusOr<storage::BackupInfo> made = store_.Backup(dir_, keep_);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      if (made.ok()) {
        Log().info("pochta serve: backup {} made in {}, verified, in {:.1f} s: {} files, {} bytes, {} of them new",
                   made->id, dir_, seconds, made->files, made->bytes, made->new_bytes);
      } else {
        Log().error("pochta serve: the backup into {} failed: {}", dir_, std::string(made.status().message()));
      }
      lock.lock();
    }
  }

  storage::TrackingStore& store_;
  const std::string dir_;
  const std::chrono::seconds every_;
  const uint32_t keep_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  bool asked_ = false;   // under mu_
  std::jthread thread_;  // last: stopped and joined before the members above go
};

}  // namespace

struct Server::State {
  core::Network network;  // after Network::Load; the planner and router point into it
  std::unique_ptr<core::RoutePlanner> planner;
  std::unique_ptr<core::Router> router;
  std::unique_ptr<storage::NetworkRoutePredictor> predictor;
  KeyRing keys;
  std::string keys_file;
  core::Operators operators;
  Metrics metrics;  // before the store, which reports its fsyncs to it until closed
  FeedHub feed_hub;  // before the store too, which tells it of new feed entries
  std::unique_ptr<storage::TrackingStore> store;
  WatchHub hub;
  std::jthread feed_trimmer;  // while the store is open
  std::unique_ptr<Backups> backups;  // likewise
  std::unique_ptr<AlertMonitor> alerts;
  std::unique_ptr<Forecaster> forecaster;
  std::unique_ptr<IntakeServiceImpl> intake;
  std::unique_ptr<TrackingServiceImpl> tracking;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<Gateway> gateway;
  std::unique_ptr<HttpServer> http;  // after the gateway, whose Handle it calls
  int port = 0;
  std::chrono::milliseconds drain{};
  bool stopped = false;
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerConfig& config) {
  absl::StatusOr<core::Network> network = core::Network::Load(config.network_file);
  if (!network.ok()) return network.status();
  absl::StatusOr<core::Operators> operators = core::Operators::Load(config.operators_file);
  if (!operators.ok()) return operators.status();
  absl::StatusOr<KeyRing> keys = KeyRing::Load(config.keys_file, *operators);
  if (!keys.ok()) return keys.status();

  auto state = std::make_unique<State>();
  state->network = *std::move(network);
  state->keys = *std::move(keys);
  state->keys.SetRateLimit(config.rate_limit);
  state->keys_file = config.keys_file;
  if (state->keys.plain_size() > 0) {
    Log().warn("pochta serve: {} of the {} keys in {} are in plain text; pochta keys add stores hashes",
               state->keys.plain_size(), state->keys.size(), config.keys_file);
  }
  state->operators = *std::move(operators);
  state->drain = config.drain;
  state->planner = std::make_unique<core::RoutePlanner>(state->network);
  state->router = std::make_unique<core::Router>(state->planner->router());
  state->predictor = std::make_unique<storage::NetworkRoutePredictor>(*state->router);
  storage::StoreOptions options = config.store;
  options.route_predictor = state->predictor.get();
  options.sync_observer = &state->metrics;
  options.feed_observer = &state->feed_hub;
  options.count_by_status = true;
  absl::StatusOr<std::unique_ptr<storage::TrackingStore>> store = storage::TrackingStore::Open(config.db, options);
  if (!store.ok()) return store.status();
  state->store = *std::move(store);
  state->intake = std::make_unique<IntakeServiceImpl>(*state->store, *state->router, state->operators, state->keys,
                                                      state->hub, state->metrics, *options.clock);
  state->alerts = std::make_unique<AlertMonitor>(*state->store, *options.clock, config.alerts);
  state->alerts->Start(state->feed_hub);
  if (config.forecast) {
    state->forecaster =
        std::make_unique<Forecaster>(*state->store, state->network, *options.clock, *config.forecast, &state->metrics);
    state->forecaster->Start(
        [hub = &state->hub](const std::vector<core::ItemId>& moved) { hub->PublishEstimatesMoved(moved); });
  }
  state->tracking =
      std::make_unique<TrackingServiceImpl>(*state->store, *state->router, state->keys, state->hub, state->feed_hub,
                                            *state->alerts, state->forecaster.get(), *options.clock);
  if (!config.backup_dir.empty()) {
    state->backups =
        std::make_unique<Backups>(*state->store, config.backup_dir, config.backup_every, config.backup_keep);
  }
  if (config.feed_retention.count() > 0) {
    state->feed_trimmer = std::jthread([store = state->store.get(), clock = options.clock,
                                        retention = config.feed_retention](std::stop_token stop) {
      TrimFeedHourly(*store, *clock, retention, stop);
    });
  }

  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!config.tls_cert_file.empty() || !config.tls_key_file.empty()) {
    absl::StatusOr<std::string> cert = core::ReadFile(config.tls_cert_file, "TLS certificate");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = core::ReadFile(config.tls_key_file, "TLS key");
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions tls;
    tls.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(tls);
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, credentials, &state->port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.RegisterService(state->intake.get());
  builder.RegisterService(state->tracking.get());
  // Metrics and HTTP first: an address that cannot be bound fails the start
  // before the gRPC port is taken.
  if (!config.metrics_listen.empty()) {
    if (absl::Status s = state->metrics.Serve(config.metrics_listen); !s.ok()) return s;
  }
  if (!config.http_listen.empty()) {
    absl::StatusOr<ListenAddress> address = ParseListenAddress(config.http_listen, "--http");
    if (!address.ok()) return address.status();
    state->gateway = std::make_unique<Gateway>(*state->tracking, state->keys, *state->router, state->operators,
                                               *options.clock, state->metrics);
    absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(
        *address, [gateway = state->gateway.get()](const HttpRequest& r) { return gateway->Handle(r); },
        config.http_threads);
    if (!http.ok()) return http.status();
    state->http = *std::move(http);
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(state->metrics.Interceptors());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  state->server = builder.BuildAndStart();
  if (!state->server || state->port == 0) {
    return absl::UnavailableError(fmt::format("cannot listen on {}", config.listen));
  }
  state->metrics.Watch(*state->store, state->hub, *state->alerts);
  state->server->GetHealthCheckService()->SetServingStatus(true);
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() { Shutdown(); }

int Server::port() const { return state_->port; }
int Server::metrics_port() const { return state_->metrics.port(); }
int Server::http_port() const { return state_->http ? state_->http->port() : 0; }

void Server::RefreshForecast(sim::Scenario scenario) {
  if (state_->forecaster) state_->forecaster->Refresh(std::move(scenario));
}

absl::StatusOr<size_t> Server::ReloadKeys() {
  absl::StatusOr<KeyRing> fresh = KeyRing::Load(state_->keys_file, state_->operators);
  if (!fresh.ok()) return fresh.status();
  state_->keys.Replace(*std::move(fresh));
  return state_->keys.size();
}

absl::Status Server::BackupNow() {
  if (!state_->backups) return absl::FailedPreconditionError("no --backup-dir: the server makes no backups");
  state_->backups->Now();
  return absl::OkStatus();
}

void Server::Shutdown() {
  if (state_->stopped) return;
  state_->stopped = true;
  state_->server->GetHealthCheckService()->SetServingStatus(false);
  if (state_->gateway) state_->gateway->StopServing();
  state_->hub.CloseAll();
  state_->feed_hub.CloseAll();
  state_->server->Shutdown(std::chrono::system_clock::now() + state_->drain);
  state_->server->Wait();
  state_->http.reset();  // its requests read the store
  state_->metrics.Unwatch();
  state_->feed_trimmer = {};  // asks it to stop, and waits
  state_->backups.reset();    // lets a backup under way end
  state_->alerts->Stop();
  if (state_->forecaster) state_->forecaster->Stop();  // lets a forecast under way end
  state_->store.reset();  // fsyncs the write-ahead log
}

}  // namespace pochta::services
