// Fuzzes what the JSON gateway and the pages parse from the network before
// any check of the key: query strings and form bodies, the work-list
// request they make, Accept-Language and a listening address. A form that
// parses makes a request with one selection and a page size in range, or
// InvalidArgument.
#include <cstdlib>
#include <string>

#include "services/internal/forms.h"
#include "services/internal/http_server.h"
#include "services/internal/page_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pochta::services;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)FromAcceptLanguage(text);
  (void)ParseListenAddress(text, "--http");
  const absl::StatusOr<Form> form = ParseForm(text);
  if (!form.ok()) {
    if (!absl::IsInvalidArgument(form.status())) std::abort();
    return 0;
  }
  const absl::StatusOr<pochta::v1::ListItemsRequest> request = WorkListRequest(*form);
  if (!request.ok()) {
    if (!absl::IsInvalidArgument(request.status())) std::abort();
    return 0;
  }
  if (request->selection_case() == pochta::v1::ListItemsRequest::SELECTION_NOT_SET) std::abort();
  if (request->page_size() < 0 || request->page_size() > 1000) std::abort();
  if (request->has_facility() && request->facility().older_than().seconds() < 0) std::abort();
  return 0;
}
