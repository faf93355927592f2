/// Text made safe for an HTML page. Everything a report shows that came from a request, a worker or a pack is
/// untrusted: it goes into the page only through ``escaped(_:)``, so no markup, script or entity in it is ever
/// interpreted, and no control character reaches the page.
public enum HTMLText {
    /// `text` with `& < > " '` as character references and control characters (except newline and tab) dropped,
    /// safe both in element content and in a quoted attribute value.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                // C0, DEL, C1 and the bidirectional overrides that could reorder what a reader sees.
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A small HTML builder: elements whose text is always escaped; markup only from this module's own literals.
struct HTMLWriter {
    private(set) var html = ""

    /// Appends trusted markup (a literal of this module).
    mutating func raw(_ markup: String) { html += markup }

    /// Appends escaped text.
    mutating func text(_ text: String) { html += HTMLText.escaped(text) }

    /// `<tag class="…">escaped text</tag>`.
    mutating func element(_ tag: String, _ text: String, class name: String? = nil) {
        html += "<\(tag)\(name.map { " class=\"\($0)\"" } ?? "")>" + HTMLText.escaped(text) + "</\(tag)>"
    }

    /// `<tag class="…">` … `</tag>` around `body`.
    mutating func wrap(_ tag: String, class name: String? = nil, _ body: (inout HTMLWriter) -> Void) {
        html += "<\(tag)\(name.map { " class=\"\($0)\"" } ?? "")>"
        body(&self)
        html += "</\(tag)>"
    }

    /// A table row of escaped cells.
    mutating func row(_ cells: [String], header: Bool = false) {
        let tag = header ? "th" : "td"
        html += "<tr>" + cells.map { "<\(tag)>" + HTMLText.escaped($0) + "</\(tag)>" }.joined() + "</tr>"
    }
}
