/// Citations in Danish legal style. The packs keep one citation list, written the English way ("AI Act Art. 6(2)",
/// "GDPR Art. 35(3)(b)", "AI Act Annex III point 4(b)"); the Danish explanation shows them as a Danish lawyer
/// writes them ("AI-forordningens art. 6, stk. 2", "databeskyttelsesforordningens art. 35, stk. 3, litra b",
/// "AI-forordningens bilag III, punkt 4, litra b"). Danish sources (AML, BEK, MED-rammeaftalen …) pass unchanged.
public enum CitationStyle {
    /// The citation as written in Danish.
    public static func danish(_ citation: String) -> String {
        var text = citation
        for (english, danish) in phrases { text = text.replacing(english, with: danish) }
        // Articles made of numbered points, not paragraphs: the definitions (AI Act Art. 3, GDPR Art. 4) and an
        // amending regulation's Art. 1 ("(5)" is its fifth amendment): "art. 3, nr. 12", not "stk. 12".
        text = text.replacing(numberedPoints) { match in
            isNumbered(match.1, match.2) ? "\(match.1)art. \(match.2), nr. \(match.3)" : String(match.0)
        }
        text = text.replacing(articleReference) { match in article(String(match.1), String(match.2)) }
        text = text.replacing(annexPoints) { match in "bilag \(match.1), " + points(String(match.2)) }
        for (english, danish) in afterwards { text = text.replacing(english, with: danish) }
        return text
    }

    /// Whole phrases, longest first where one contains another.
    private static let phrases: [(String, String)] = [
        ("Regulation (EU) 2024/1689 (AI Act) as amended by Regulation (EU) 2026/1744 (Digital Omnibus on AI)",
         "forordning (EU) 2024/1689 (AI-forordningen) som ændret ved forordning (EU) 2026/1744 (digital omnibus om AI)"),
        (": Annex III obligations from 2 December 2027", ": forpligtelserne for bilag III fra 2. december 2027"),
        ("Commission Guidelines on prohibited AI practices", "Kommissionens retningslinjer om forbudt AI-praksis"),
        ("Commission Guidelines on GPAI models", "Kommissionens retningslinjer om AI-modeller til almen brug"),
        ("Commission Guidelines on Art.", "Kommissionens retningslinjer om art."),
        ("Commission Implementing Decision", "Kommissionens gennemførelsesafgørelse"),
        ("(standard contractual clauses)", "(standardkontraktbestemmelser)"),
        ("(EU-US Data Privacy Framework)", "(databeskyttelsesrammen mellem EU og USA)"),
        ("Code of Practice on Transparency of AI-Generated Content (10 Jun 2026)",
         "adfærdskodeks for gennemsigtighed i AI-genereret indhold (10. juni 2026)"),
        ("CJEU C-", "EU-Domstolens dom i sag C-"),
        ("General Court, T-", "Rettens dom i sag T-"),
        (" v Commission", " mod Kommissionen"),
        ("EDPB Endorsement", "EDPB's tilslutning"),
        ("EDPB Guidelines 2/2018 on derogations of Article 49", "EDPB's retningslinjer 2/2018 om undtagelserne i artikel 49"),
        ("EDPB Recommendations 01/2020 on supplementary measures", "EDPB's anbefalinger 01/2020 om supplerende foranstaltninger"),
        ("Directive ", "direktiv "),
        ("(as amended by Regulation (EU)", "(som ændret ved forordning (EU)"),
        ("(as replaced by Regulation (EU)", "(som affattet ved forordning (EU)"),
        ("Regulation (EU)", "forordning (EU)"),
        (", section ", ", afsnit "),
        ("(criteria ", "(kriterie "),
        (", criterion ", ", kriterium "),
        (", points ", ", punkt "),
        ("the item's fact + at least one other WP248 criterion", "punktets forhold + mindst ét andet WP248-kriterium"),
        ("AI Act ", "AI-forordningens "),
        ("GDPR ", "databeskyttelsesforordningens "),
        (" recital ", " betragtning "),
        (" and ", " og "),
    ]

    private static let afterwards: [(String, String)] = [
        (", first subparagraph", ", 1. afsnit"),
        (", second subparagraph", ", 2. afsnit"),
        (", third subparagraph", ", 3. afsnit"),
        ("Annex I", "bilag I"),
    ]

    /// `AI-forordningens Art. 3(12)`, `databeskyttelsesforordningens Art. 4(4)`, `2026/1744 Art. 1(5)` (after the phrases).
    nonisolated(unsafe) private static let numberedPoints =
        /(AI-forordningens |databeskyttelsesforordningens |\(EU\) 2026\/1744 )Art\. (\d+)\((\d+)\)/

    /// Which article of which act is made of numbered points.
    private static func isNumbered(_ act: Substring, _ article: Substring) -> Bool {
        switch act {
        case "AI-forordningens ": article == "3"
        case "databeskyttelsesforordningens ": article == "4"
        default: article == "1"
        }
    }

    /// `Art. 5(1)(c)(ii)`, `Art. 6(1a)-(1c)`, `Art. 26(1)-(6)`, `Art. 1(5)`, `Art. 50`.
    nonisolated(unsafe) private static let articleReference = /Art\. (\d+)((?:\([0-9a-z]+\)(?:-\([0-9a-z]+\))?)*)/

    /// `Annex III point 4(b)`, `point 1(a), 1(c)`, `point 1(a)-(c)`, `point 2`.
    nonisolated(unsafe) private static let annexPoints = /Annex (III|I) point ((?:\d+(?:\([a-z]\)(?:-\([a-z]\))?)?(?:, )?)+)/

    private static func article(_ number: String, _ parts: String) -> String {
        // "(1)(c)(ii)" → ["1", "c", "ii"]; a range "(1a)-(1c)" stays one part "1a-1c".
        var pieces: [String] = []
        var rest = Substring(parts)
        while let open = rest.firstIndex(of: "("), let close = rest.firstIndex(of: ")") {
            var piece = String(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix("-("), let end = rest.firstIndex(of: ")") {
                piece += "-" + rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                rest = rest[rest.index(after: end)...]
            }
            pieces.append(piece)
        }
        var out = "art. \(number)"
        for (i, piece) in pieces.enumerated() {
            switch i {
            case 0: out += ", stk. \(piece)"
            case 1: out += ", litra \(piece)"
            default: out += ", nr. \(piece)"
            }
        }
        return out
    }

    /// "4(b)" → "punkt 4, litra b"; "1(a), 1(c)" → "punkt 1, litra a og c"; "1(a)-(c)" → "punkt 1, litra a-c".
    private static func points(_ text: String) -> String {
        let items = text.split(separator: ", ").map(String.init)
        var byPoint: [(String, [String])] = []
        for item in items {
            let number = String(item.prefix { $0.isNumber })
            let letters = String(item.dropFirst(number.count).filter { $0 != "(" && $0 != ")" })
            if let i = byPoint.firstIndex(where: { $0.0 == number }) {
                if !letters.isEmpty { byPoint[i].1.append(letters) }
            } else {
                byPoint.append((number, letters.isEmpty ? [] : [letters]))
            }
        }
        return byPoint.map { number, letters in
            letters.isEmpty ? "punkt \(number)" : "punkt \(number), litra " + letters.joined(separator: " og ")
        }.joined(separator: " og ")
    }
}
