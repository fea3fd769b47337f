import CanvasKit
/// Breaks styled text into lines of at most `width` columns, at spaces where it can. Text is sanitized
/// first, so what is measured is what the canvas will show.
enum TextWrap {
    /// Wraps one logical line; continuation lines start with `indent` blank columns.
    static func wrap(_ runs: [StyledRun], width: Int, indent: Int = 0) -> [[StyledRun]] {
        guard width > 0 else { return [] }
        let indent = indent < width / 2 ? indent : 0
        var glyphs: [(grapheme: Character, width: Int, style: Style)] = []
        for run in runs {
            for grapheme in Sanitizer.sanitize(run.text) {
                glyphs.append((grapheme, DisplayWidth.of(grapheme), run.style))
            }
        }
        var lines: [[StyledRun]] = []
        var start = 0
        var first = true
        while start < glyphs.count || first {
            let room = width - (first ? 0 : indent)
            var used = 0, end = start, lastBreak: Int?
            while end < glyphs.count, used + glyphs[end].width <= room {
                if glyphs[end].grapheme == " " { lastBreak = end }
                used += glyphs[end].width
                end += 1
            }
            if end < glyphs.count, end > start {
                // Break after the last space when one leaves at least half the line filled.
                if let space = lastBreak, space > start, space - start >= room / 2 { end = space + 1 }
            } else if end == start, end < glyphs.count {
                end += 1  // a glyph wider than the line still moves on
            }
            var line: [StyledRun] = first || indent == 0 ? [] : [StyledRun(String(repeating: " ", count: indent))]
            for glyph in glyphs[start..<end] {
                if let last = line.last, last.style == glyph.style {
                    line[line.count - 1].text.append(glyph.grapheme)
                } else {
                    line.append(StyledRun(String(glyph.grapheme), glyph.style))
                }
            }
            lines.append(line)
            start = end
            first = false
        }
        return lines
    }

    /// Wraps text that may hold line breaks of its own: each becomes a new line, never a control character.
    static func wrapParagraphs(_ text: String, style: Style, width: Int, indent: Int = 0, firstPrefix: [StyledRun] = []) -> [[StyledRun]] {
        var lines: [[StyledRun]] = []
        let paragraphs = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, paragraph) in paragraphs.enumerated() {
            let prefix = index == 0 ? firstPrefix : [StyledRun(String(repeating: " ", count: indent))]
            lines += wrap(prefix + [StyledRun(String(paragraph), style)], width: width, indent: indent)
        }
        return lines
    }
}
