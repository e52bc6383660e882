// Layouts for the human output: a table whose columns fit the screen, and
// a list of labelled values. Both cut what does not fit (ending in "...")
// rather than wrap, so that no line is wider than the screen.
//
// Threading: plain values.
#pragma once

#include <string>
#include <vector>

#include "text.h"

namespace crm::ctl {

struct Column {
  std::string header;
  bool right_align = false;  // numbers
  // May be cut to make the table fit (titles, paths); others keep their
  // width and the line is cut at the screen's edge only as a last resort.
  bool shrinkable = false;
};

class Table {
 public:
  explicit Table(std::vector<Column> columns, int indent = 2);
  // Cells beyond the columns are dropped; missing cells are blank.
  void addRow(std::vector<std::string> cells);
  // A line of text under the last row, from the second column on (a
  // prompt's title); cut to fit. REQUIRES: a row was added.
  void addNote(std::string note);
  bool empty() const { return rows_.empty(); }
  // The header and the rows, one line each with "\n", none wider than
  // `width`; trailing spaces are trimmed.
  std::string render(int width = kScreenWidth) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<std::string>> notes_;  // per row
  int indent_;
};

// "  label   value" lines, labels padded to the widest label.
class Fields {
 public:
  explicit Fields(int indent = 2) : indent_(indent) {}
  void add(std::string label, std::string value);
  // The widest label's width.
  int labelWidth() const;
  // Labels padded to at least `label_width` (to line up several lists).
  std::string render(int width = kScreenWidth, int label_width = 0) const;

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
  int indent_;
};

// `line` cut to the screen, with its "\n".
std::string line(std::string_view text, int width = kScreenWidth);

}  // namespace crm::ctl
