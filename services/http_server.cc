#include "services/internal/http_server.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <optional>
#include <thread>

#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "fmt/format.h"

namespace pochta::services {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr uint32_t kMaxHeaderBytes = 16 << 10;
constexpr uint64_t kMaxBodyBytes = 1 << 20;
constexpr std::chrono::seconds kTimeout{30};
constexpr int kMaxConnections = 1024;

HttpResponse Refusal(int status, std::string_view message) {
  return HttpResponse{.status = status,
                      .body = fmt::format(R"({{"error":{{"code":{},"message":"{}"}}}})", status, message)};
}

// One client connection: read a request, answer it, repeat while the client
// keeps the connection alive. Lives as long as an operation of it is pending.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const HttpHandler& handler, std::atomic<int>& open)
      : stream_(std::move(socket)), handler_(handler), open_(open) {}
  ~Connection() { open_.fetch_sub(1, std::memory_order_relaxed); }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }

 private:
  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::body_limit) return Answer(Refusal(413, "the request body is over 1 MiB"), false);
    if (ec == http::error::header_limit) return Answer(Refusal(431, "the request headers are over 16 KiB"), false);
    if (ec.category() == make_error_code(http::error::bad_target).category() && ec != http::error::end_of_stream) {
      return Answer(Refusal(400, "malformed HTTP request"), false);
    }
    if (ec) return Close();  // the client closed, or the timeout passed
    http::request<http::string_body> request = parser_->release();
    HttpRequest r{.method = std::string(request.method_string()),
                  .target = std::string(request.target()),
                  .body = std::move(request.body())};
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    HttpResponse answer;
    try {
      answer = handler_(r);
    } catch (const std::exception&) {
      answer = Refusal(500, "internal error");
    }
    Answer(std::move(answer), request.keep_alive());
  }

  void Answer(HttpResponse answer, bool keep_alive) {
    response_ = {};
    response_.version(11);
    response_.result(unsigned(answer.status));
    response_.set(http::field::server, "pochta");
    response_.set(http::field::content_type, answer.content_type);
    for (auto& [name, value] : answer.headers) response_.set(name, value);
    response_.body() = std::move(answer.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    stream_.expires_after(kTimeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Connection::OnWrite, shared_from_this(), keep_alive));
  }

  void OnWrite(bool keep_alive, beast::error_code ec, size_t) {
    if (ec) return Close();
    if (!keep_alive) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  const HttpHandler& handler_;
  std::atomic<int>& open_;
};

}  // namespace

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text, std::string_view option) {
  const auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format("{} \"{}\": {}", option, text, why));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("is not HOST:PORT");
  std::string host(text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return invalid("the port is not a number from 0 to 65535");
  }
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code bad;
  asio::ip::make_address(host, bad);
  if (bad) return invalid("the host is not an IP address (or localhost)");
  return ListenAddress{host, uint16_t(port)};
}

struct HttpServer::State {
  explicit State(HttpHandler h) : handler(std::move(h)) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;  // closed by Shutdown
        return Accept();
      }
      if (open.fetch_add(1, std::memory_order_relaxed) >= kMaxConnections) {
        open.fetch_sub(1, std::memory_order_relaxed);
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Connection>(std::move(socket), handler, open)->Read();
      }
      Accept();
    });
  }

  // Before io: the connections, destroyed with it, refer to these.
  const HttpHandler handler;
  std::atomic<int> open{0};
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  int port = 0;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const ListenAddress& address, HttpHandler handler,
                                                              int threads) {
  auto state = std::make_unique<State>(std::move(handler));
  const tcp::endpoint endpoint(asio::ip::make_address(address.host), address.port);
  beast::error_code ec;
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(fmt::format("cannot listen on {}:{}: {}", address.host, address.port, ec.message()));
  }
  state->port = state->acceptor.local_endpoint().port();
  state->Accept();
  for (int i = 0; i < threads; ++i) state->threads.emplace_back([io = &state->io] { io->run(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

// The connections close as io is destroyed, after the threads.
HttpServer::~HttpServer() {
  state_->io.stop();
  for (std::thread& t : state_->threads) t.join();
}

int HttpServer::port() const { return state_->port; }

}  // namespace pochta::services
