import CanvasKit
import Foundation
import Semantics
import Store

/// One value of the span screen on the whole screen: wrapped, scrolled by `DrillState.valueScroll`, and
/// pretty-printed when it is a JSON object or array.
struct ExpandedValue {
    let label: String
    let text: String
    /// The text indented, when it is a JSON object or array.
    let prettyJSON: String?

    init(label: String, text: String) {
        self.label = label
        self.text = text
        prettyJSON = PrettyJSON.format(text)
    }

    var isJSON: Bool { prettyJSON != nil }

    func lines(width: Int) -> [[StyledRun]] {
        guard let pretty = prettyJSON else {
            return TextWrap.wrapParagraphs(text, style: .text, width: width)
        }
        // Continuation lines of a long JSON string hang under its own indentation.
        return pretty.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [[StyledRun]] in
            let indent = line.prefix { $0 == " " }.count
            return TextWrap.wrap(PrettyJSON.styled(String(line)), width: width, indent: indent + 2)
        }
    }
}

public enum ValueScreenView {
    static func render(_ value: ExpandedValue?, span: StoredSpan?, summary: TraceSummary?, drill: DrillState, size: Size,
                       nowNanos: UInt64, focused: Bool) -> Canvas {
        var canvas = Canvas(size: size)
        let layout = DrillLayout(size: size)
        canvas.draw(DrillHeader.render(summary: summary, span: span, width: size.width, nowNanos: nowNanos),
                    x: 0, y: layout.header.y)
        guard layout.body.height > 0 else { return canvas }
        var body = Canvas(size: Size(width: layout.body.width, height: layout.body.height))
        let border = Style(focused ? .border_focused : .border)
        guard let value else {
            body.box(body.bounds, title: "Value", border: border)
            body.put("This value is no longer stored (its trace was evicted).", x: 2, y: 1, style: Style(.muted),
                     limit: body.width - 3)
            canvas.draw(body, x: 0, y: layout.body.y)
            return canvas
        }
        let bytes = Format.grouped(value.text.utf8.count) + " bytes" + (value.isJSON ? " · JSON" : "")
        body.box(body.bounds, title: (value.label.isEmpty ? "value" : value.label) + "  " + bytes, border: border)
        let lines = value.lines(width: layout.detailTextWidth)
        let rows = layout.detailRows
        let first = max(0, min(drill.valueScroll, lines.count - rows))
        for (offset, line) in lines.dropFirst(first).prefix(rows).enumerated() {
            body.put(line, x: 2, y: 1 + offset, limit: layout.detailTextWidth)
        }
        let below = lines.count - first - rows
        if below > 0 { body.putBorderNote(" ↓ \(Format.grouped(below)) more ", y: body.height - 1) }
        if first > 0 { body.putBorderNote(" ↑ \(Format.grouped(first)) more ", y: 0) }
        canvas.draw(body, x: 0, y: layout.body.y)
        return canvas
    }
}

/// Re-indents JSON text without reordering keys or rewriting numbers and strings.
enum PrettyJSON {
    /// Indented text, or nil when `text` is not a JSON object or array.
    static func format(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first, first == "{" || first == "[",
              (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [])) != nil else { return nil }
        var out = ""
        var depth = 0
        var inString = false, escaped = false
        let characters = Array(trimmed)
        func newline() { out += "\n" + String(repeating: "  ", count: depth) }
        var index = 0
        while index < characters.count {
            let c = characters[index]
            defer { index += 1 }
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"":
                inString = true
                out.append(c)
            case "{", "[":
                // Empty containers stay on one line.
                var next = index + 1
                while next < characters.count, characters[next].isWhitespace { next += 1 }
                if next < characters.count, characters[next] == (c == "{" ? "}" : "]") {
                    out += c == "{" ? "{}" : "[]"
                    index = next
                    continue
                }
                out.append(c)
                depth += 1
                newline()
            case "}", "]":
                depth -= 1
                newline()
                out.append(c)
            case ",":
                out.append(c)
                newline()
            case ":":
                out += ": "
            default:
                if !c.isWhitespace { out.append(c) }
            }
        }
        return out
    }

    /// One line of indented JSON with keys, strings and literals told apart.
    static func styled(_ line: String) -> [StyledRun] {
        var spans: [StyledRun] = []
        var rest = Substring(line)
        let indent = rest.prefix { $0 == " " }
        spans.append(StyledRun(String(indent)))
        rest = rest.dropFirst(indent.count)
        // A key is the quoted string before `: `.
        if rest.first == "\"", let colon = keyEnd(rest) {
            spans.append(StyledRun(String(rest[..<colon]), Style(.accent)))
            spans.append(StyledRun(": ", Style(.muted)))
            rest = rest[colon...].dropFirst(2)
        }
        let value = rest.hasSuffix(",") ? rest.dropLast() : rest
        let role: StyleRole = value.first == "\"" ? .tokens_out
            : (value == "true" || value == "false" || value == "null") ? .cost
            : value.first.map { $0.isNumber || $0 == "-" } == true ? .tokens_in : .muted
        spans.append(StyledRun(String(value), Style(role)))
        if rest.hasSuffix(",") { spans.append(StyledRun(",", Style(.muted))) }
        return spans
    }

    /// The index just past the closing quote of a key followed by `: `.
    private static func keyEnd(_ text: Substring) -> Substring.Index? {
        var escaped = false
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let c = text[index]
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" {
                let after = text.index(after: index)
                return text[after...].hasPrefix(": ") ? after : nil
            }
            index = text.index(after: index)
        }
        return nil
    }
}
