/// A command's discussion as `--help` should show it: the lines of each paragraph joined into one, which
/// ArgumentParser then wraps to the terminal, so the source can keep short lines without the help breaking them
/// twice. An indented line (an example, a table row) and a blank line stay as they are.
func helpText(_ text: String) -> String {
    var out: [String] = []
    var joinable = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let indented = line.first == " "
        if joinable, !line.isEmpty, !indented {
            out[out.count - 1] += " " + line
        } else {
            out.append(String(line))
        }
        joinable = !line.isEmpty && !indented
    }
    return out.joined(separator: "\n")
}
