/// Text that is safe to print on a terminal: values from requests and workers are untrusted, and a raw ESC, OSC,
/// BEL, carriage return or newline in them could retitle the terminal, recolour it or forge a line of output.
public enum TerminalText {
    /// `text` with every C0 and C1 control character, DEL and bidirectional override written as an escape
    /// (`\e`, `\n`, `\r`, `\t`, `\x07`, `\u{9B}`, `\u{202E}`), and a backslash as `\\`, so that what is printed is
    /// exactly what the value holds, visibly.
    /// - Parameter keepNewlines: leave `\n` as a line break (for multi-line text we wrote ourselves).
    public static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepNewlines: keepNewlines) || $0 == "\\" }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out += "\\\\"
            } else if !needsEscape(scalar, keepNewlines: keepNewlines) {
                out.unicodeScalars.append(scalar)
            } else {
                switch scalar {
                case "\u{1B}": out += "\\e"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
                }
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        let value = scalar.value
        if value == 0x0A { return !keepNewlines }
        return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value)
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}
