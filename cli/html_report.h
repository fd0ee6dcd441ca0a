// HtmlReport: one self-contained HTML file that opens offline in any
// browser. Chart.js (from Debian's libjs-chart.js) and the page's own script
// and style are inlined at build time; nothing is fetched. Headings, text
// and tables are plain HTML that reads without JavaScript; each chart is a
// JSON spec that the page's script (cli/report/report.js) draws:
//
//   {"title": "...", "type": "line" | "bar",
//    "x": {"kind": "time" | "number" | "category", "label": "...",
//          "categories": [...],             // category charts
//          "origin": T},                    // time: ticks on days from T (a
//                                           // local midnight), else from
//                                           // the earliest series start
//    "y": {"label": "...", "min": 0, "max": 100, "stacked": false},
//    "y2": {"label": "..."},                // optional right-hand axis
//    "zoom": true,                          // follows the page's time range
//    "small": true,                         // half the width, two a row
//    "series": [{"label": "...",
//                "start": T, "step": S, "values": [...]}   // time: Unix seconds
//              | {"label": "...", "points": [[x, y], ...]}
//              | {"label": "...", "values": [...]},      // category
//               ...optional "lower"/"upper" arrays (a shaded band, same
//               length as values), "hidden", "dashed", "axis": "y2",
//               "type" ("line" in a bar chart)]}
//
// Time axes are labelled in the report's time zone.
//
// Thread-safety: none; build a report on one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace pochta::cli {

class HtmlReport {
 public:
  // `time_zone`: the IANA zone time axes are shown in ("Asia/Tashkent").
  HtmlReport(std::string title, std::string time_zone);

  void Heading(std::string_view text);
  void Paragraph(std::string_view text);
  // A table; cells that look like numbers are right-aligned.
  void Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  // A block of text shown as it is (a scenario file), under a caption.
  void Preformatted(std::string_view caption, std::string_view text);
  // A chart (the spec above) with a caption under it.
  void Chart(nlohmann::ordered_json spec, std::string_view caption = {});

  // The whole file. Deterministic: the same calls give the same bytes.
  std::string Render() const;

 private:
  std::string title_, time_zone_, body_;
  nlohmann::ordered_json charts_ = nlohmann::ordered_json::array();
  bool zoom_ = false;  // some chart follows the time range
};

}  // namespace pochta::cli
