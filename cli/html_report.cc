#include "cli/html_report.h"

#include <cctype>

#include "core/html.h"
#include "fmt/format.h"

namespace pochta::cli {
// Inlined at build time (cli/CMakeLists.txt): Chart.js and the page's own
// script and style.
namespace assets {
extern const char kChartJs[];
extern const char kReportJs[];
extern const char kReportCss[];
}  // namespace assets

namespace {

// "12,345", "-1.5", "93.1%", "6.4 / 11.3", "95.8 ± 0.4": right-aligned in a table.
bool Numeric(std::string_view cell) {
  const size_t digit = cell.starts_with('-') || cell.starts_with('+') ? 1 : 0;
  if (cell.size() <= digit || !std::isdigit(static_cast<unsigned char>(cell[digit]))) return false;
  for (char c : cell) {
    if (std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

HtmlReport::HtmlReport(std::string title, std::string time_zone)
    : title_(std::move(title)), time_zone_(std::move(time_zone)) {}

void HtmlReport::Heading(std::string_view text) { body_ += fmt::format("<h2>{}</h2>\n", core::EscapeHtml(text)); }

void HtmlReport::Paragraph(std::string_view text) { body_ += fmt::format("<p>{}</p>\n", core::EscapeHtml(text)); }

void HtmlReport::Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  body_ += "<table>\n<thead><tr>";
  for (const std::string& h : header) body_ += fmt::format("<th>{}</th>", core::EscapeHtml(h));
  body_ += "</tr></thead>\n<tbody>\n";
  for (const std::vector<std::string>& row : rows) {
    body_ += "<tr>";
    for (const std::string& cell : row) {
      body_ += fmt::format("<td{}>{}</td>", Numeric(cell) ? " class=\"n\"" : "", core::EscapeHtml(cell));
    }
    body_ += "</tr>\n";
  }
  body_ += "</tbody>\n</table>\n";
}

void HtmlReport::Preformatted(std::string_view caption, std::string_view text) {
  body_ += fmt::format("<figure class=\"source\"><figcaption>{}</figcaption><pre>{}</pre></figure>\n",
                       core::EscapeHtml(caption), core::EscapeHtml(text));
}

void HtmlReport::Chart(nlohmann::ordered_json spec, std::string_view caption) {
  if (spec.value("zoom", false)) zoom_ = true;
  const std::string title = spec.value("title", "");
  body_ += fmt::format(
      "<figure class=\"chart{}\"><div class=\"box\"><canvas data-chart=\"{}\" role=\"img\" aria-label=\"{}\">"
      "</canvas></div>{}</figure>\n",
      spec.value("small", false) ? " small" : "", charts_.size(), core::EscapeHtml(title),
      caption.empty() ? "" : fmt::format("<figcaption>{}</figcaption>", core::EscapeHtml(caption)));
  charts_.push_back(std::move(spec));
}

std::string HtmlReport::Render() const {
  // Inside <script>, "</" could end the element: JSON allows "<\/".
  std::string charts = charts_.dump();
  for (size_t at = 0; (at = charts.find("</", at)) != std::string::npos; at += 3) charts.replace(at, 2, "<\\/");
  const std::string zoom =
      zoom_ ? "<div id=\"zoom\" class=\"zoom\" hidden>Time range: "
              "<input type=\"range\" id=\"zoom-from\" aria-label=\"from\"> <output id=\"zoom-from-text\"></output> to "
              "<input type=\"range\" id=\"zoom-to\" aria-label=\"to\"> <output id=\"zoom-to-text\"></output> "
              "<button type=\"button\" id=\"zoom-reset\">Whole run</button> "
              "<span class=\"hint\">or drag across a chart; double-click it for the whole run</span></div>\n"
            : "";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0}</title>\n<style>\n{1}</style>\n</head>\n<body data-time-zone=\"{2}\">\n"
      "<header><h1>{0}</h1></header>\n{3}<main>\n{4}</main>\n"
      "<noscript><p>The charts need JavaScript; the tables read without it.</p></noscript>\n"
      "<script>\n{5}\n</script>\n<script type=\"application/json\" id=\"pochta-charts\">{6}</script>\n"
      "<script>\n{7}</script>\n</body>\n</html>\n",
      core::EscapeHtml(title_), assets::kReportCss, core::EscapeHtml(time_zone_), zoom, body_, assets::kChartJs, charts,
      assets::kReportJs);
}

}  // namespace pochta::cli
