#include "table.h"

#include <algorithm>
#include <numeric>

namespace crm::ctl {
namespace {

constexpr int kGap = 2;

std::string trimRight(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

Table::Table(std::vector<Column> columns, int indent)
    : columns_(std::move(columns)), indent_(indent) {}

void Table::addRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
  notes_.emplace_back();
}

void Table::addNote(std::string note) {
  if (!notes_.empty()) notes_.back().push_back(std::move(note));
}

std::string Table::render(int width) const {
  const std::size_t n = columns_.size();
  std::vector<int> widths(n);
  for (std::size_t c = 0; c < n; ++c) {
    widths[c] = displayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], displayWidth(row[c]));
  }
  auto total = [&] {
    return indent_ + std::accumulate(widths.begin(), widths.end(), 0) +
           kGap * static_cast<int>(n > 0 ? n - 1 : 0);
  };
  // Narrow the widest shrinkable column, one column at a time, down to its
  // header's width.
  while (total() > width) {
    int pick = -1;
    for (std::size_t c = 0; c < n; ++c) {
      if (!columns_[c].shrinkable) continue;
      const int floor = std::max(displayWidth(columns_[c].header), 6);
      if (widths[c] <= floor) continue;
      if (pick < 0 || widths[c] > widths[static_cast<std::size_t>(pick)])
        pick = static_cast<int>(c);
    }
    if (pick < 0) break;
    --widths[static_cast<std::size_t>(pick)];
  }
  auto renderRow = [&](const std::vector<std::string>& cells) {
    std::string out(static_cast<std::size_t>(indent_), ' ');
    for (std::size_t c = 0; c < n; ++c) {
      const std::string cell = truncate(cells[c], widths[c]);
      out += columns_[c].right_align ? padLeft(cell, widths[c]) : padRight(cell, widths[c]);
      if (c + 1 < n) out += std::string(kGap, ' ');
    }
    return line(trimRight(out), width);
  };
  std::vector<std::string> header;
  for (const auto& col : columns_) header.push_back(col.header);
  std::string out = renderRow(header);
  const int note_indent = indent_ + (n > 1 ? widths[0] + kGap : 0);
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    out += renderRow(rows_[r]);
    for (const auto& note : notes_[r]) {
      out += line(std::string(static_cast<std::size_t>(note_indent), ' ') + note, width);
    }
  }
  return out;
}

void Fields::add(std::string label, std::string value) {
  rows_.emplace_back(std::move(label), std::move(value));
}

int Fields::labelWidth() const {
  int w = 0;
  for (const auto& [label, value] : rows_) w = std::max(w, displayWidth(label));
  return w;
}

std::string Fields::render(int width, int min_label_width) const {
  const int label_width = std::max(labelWidth(), min_label_width);
  std::string out;
  for (const auto& [label, value] : rows_) {
    const int room = width - indent_ - label_width - kGap;
    out +=
        trimRight(std::string(static_cast<std::size_t>(indent_), ' ') +
                  padRight(label, label_width) + std::string(kGap, ' ') + truncate(value, room)) +
        "\n";
  }
  return out;
}

std::string line(std::string_view text, int width) {
  return truncate(text, width) + "\n";
}

}  // namespace crm::ctl
