// HttpServer: the transport of the JSON gateway and the pages, HTTP/1.1 on
// Boost.Beast over Boost.Asio. It knows nothing of items: each request is
// read whole (bounded in size and time) and handed to one function, whose
// answer is written back; connections are kept alive between requests.
//
//   auto http = HttpServer::Start("127.0.0.1:8080", handler, 2);
//   http->port();   // the port it listens on
//   http.reset();   // stops accepting, closes connections, joins its threads
//
// Limits: headers 16 KiB, a body 1 MiB (413 beyond), 30 s to send a request
// and between requests on a kept-alive connection, 1,024 connections at once
// (more are closed at once).
//
// Thread-safety: the handler is called concurrently, from `threads` threads,
// never for two requests of one connection at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace pochta::services {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent: "/v1/items/RB123456785CN?x=1"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case

  // The first header named `name` (lower case); nothing when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type and Content-Length
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// A listening address, "HOST:PORT": HOST an IPv4 or a bracketed IPv6
// literal ("[::1]") or "localhost", PORT 0 to 65535.
struct ListenAddress {
  std::string host;  // as an IP literal, without brackets ("localhost" becomes 127.0.0.1)
  uint16_t port = 0;
};
// InvalidArgument naming `option` and the text when it is not an address.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text, std::string_view option);

class HttpServer {
 public:
  // Listening when it returns. REQUIRES: threads >= 1.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const ListenAddress& address, HttpHandler handler,
                                                           int threads);
  // Stops accepting, closes every connection and joins the threads; a
  // request being handled runs to its end (its answer may not be sent).
  // After it the handler is never called again.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;

 private:
  struct State;
  explicit HttpServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pochta::services
