import Foundation
import Testing

/// `--help` shows each paragraph of a command's discussion as one paragraph: the source's short lines are joined
/// before ArgumentParser wraps them, so a wide terminal gets no sentence broken in the middle.
@Suite(.timeLimit(.minutes(2)))
struct HelpTextTests {
    /// `aiscreen [group] --help` on a terminal too wide to wrap anything.
    static func help(_ command: [String]) throws -> String {
        let run = try runCommand([Repo.binary] + command + ["--help"], executable: "COLUMNS=100000")
        #expect(run.status == 0, "\(command): \(run.err)")
        return run.out
    }

    /// The subcommands a help text lists.
    static func subcommands(_ help: String) -> [String] {
        guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { return [] }
        return section.split(separator: "\n").compactMap { line in
            line.hasPrefix("  ") && !line.hasPrefix("   ") ? line.split(separator: " ").first.map(String.init) : nil
        }
    }

    @Test func noParagraphOfAnyCommandsHelpIsBrokenInTwo() throws {
        var commands: [[String]] = [[]]
        for top in Self.subcommands(try Self.help([])) {
            commands.append([top])
            commands += Self.subcommands(try Self.help([top])).map { [top, $0] }
        }
        #expect(commands.count > 20, "\(commands)")
        for command in commands {
            let text = try Self.help(command)
            // The discussion: after the overview, before the usage line.
            let discussion = text.components(separatedBy: "\nUSAGE:").first?.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2) ?? []
            for (line, next) in zip(discussion, discussion.dropFirst()) where !line.isEmpty && !next.isEmpty && line.first != " " && next.first != " " {
                Issue.record("aiscreen \(command.joined(separator: " ")) --help breaks a paragraph: \"\(line.suffix(50))\" / \"\(next.prefix(50))\"")
            }
        }
    }
}
