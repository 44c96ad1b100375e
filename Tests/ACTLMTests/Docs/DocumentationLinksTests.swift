import Foundation
import XCTest

/// README.md and docs/ as a newcomer's browser sees them: every relative link and image points at a
/// file of the repository, and every `#anchor` into a Markdown file names one of its headings.
/// Links to http(s) and other schemes are not followed.
final class DocumentationLinksTests: XCTestCase {
    /// The package root: this file is Tests/ACTLMTests/Docs/DocumentationLinksTests.swift.
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().standardizedFileURL

    func testEveryRelativeLinkAndImageResolves() throws {
        let root = Self.root
        let docs = root.appendingPathComponent("docs")
        let pages = [root.appendingPathComponent("README.md")] + MarkdownLinks.markdownFiles(under: docs)
        XCTAssertGreaterThanOrEqual(pages.count, 8, "README.md and the pages of docs/ (found \(pages.map(\.lastPathComponent)))")
        var links = 0
        var problems: [String] = []
        for page in pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            links += MarkdownLinks.targets(in: text).count
            problems += MarkdownLinks.problems(in: text, of: page, root: root)
        }
        XCTAssertGreaterThan(links, 50, "the link check found too few links to be reading the pages")
        XCTAssertEqual(problems, [], "broken links:\n" + problems.joined(separator: "\n"))
    }

    /// The check fails where it should: a missing file, an image, a heading that is not there, a path
    /// that leaves the repository; and passes links that resolve.
    func testTheCheckFindsBrokenLinks() throws {
        let root = try temporaryFolder()
        let docs = root.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try "# Other page\n\n## The ε: steps, counted (twice)\n".write(to: docs.appendingPathComponent("other.md"),
                                                                     atomically: false, encoding: .utf8)
        let page = docs.appendingPathComponent("page.md")
        let text = """
            # Page

            ## A section

            Good: [other](other.md), [its heading](other.md#the-ε-steps-counted-twice), [here](#a-section),
            [root](../docs/other.md "title"), [web](https://example.com/missing.md), [mail](mailto:a@b.c).
            Bad: [gone](missing.md), ![picture](figures/none.svg), [no heading](other.md#not-there),
            [no such section](#b-section), [outside](../../shared/docs/act-lstm.md).
            """
        let problems = MarkdownLinks.problems(in: text, of: page, root: root)
        XCTAssertEqual(problems.count, 5, problems.joined(separator: "\n"))
        for target in ["missing.md", "figures/none.svg", "other.md#not-there", "#b-section",
                       "../../shared/docs/act-lstm.md"] {
            XCTAssertTrue(problems.contains { $0.contains("(\(target))") }, "«\(target)» not reported in \(problems)")
        }
        XCTAssertTrue(problems.allSatisfy { $0.hasPrefix("docs/page.md:") }, "\(problems)")
    }

    func testLinksInCodeAreNotLinks() {
        let text = """
            Text with `[code](missing.md)` inline.

                actlm eval [checkpoint](missing.md)

            ```python
            x = a[0](missing.md)
            ```
            - a list item
                continued with [a link](real.md) four spaces in
            """
        XCTAssertEqual(MarkdownLinks.targets(in: text), ["real.md"])
    }

    func testLinksOfEveryForm() {
        let text = """
            An [inline](a.md) link, an ![image](b.svg "its title"), a [spaced](<c d.md>) one,
            a [ref]: e.md definition line is not one, but this is:

            [ref]: f.md
            <img src="g.png" width="50%"> and <a href="h.md#x">i</a>, [escaped%20space](j%20k.md), and a [link whose
            text wraps](l.md).
            """
        XCTAssertEqual(MarkdownLinks.targets(in: text),
                       ["a.md", "b.svg", "c d.md", "f.md", "g.png", "h.md#x", "j%20k.md", "l.md"])
    }

    func testHeadingSlugsFollowGitHub() {
        XCTAssertEqual(MarkdownLinks.slug("Does ponder mark structure? (signals)"), "does-ponder-mark-structure-signals")
        XCTAssertEqual(MarkdownLinks.slug("A second implementation: `reference/actlm_reference.py`"),
                       "a-second-implementation-referenceactlm_referencepy")
        XCTAssertEqual(MarkdownLinks.slug("Tried on the per-step products at H = 1024, not kept"),
                       "tried-on-the-per-step-products-at-h--1024-not-kept")
        XCTAssertEqual(MarkdownLinks.slug("ε: steps that count, or none"), "ε-steps-that-count-or-none")
        XCTAssertEqual(MarkdownLinks.slug("The user's alternative: **PyTorch**"), "the-users-alternative-pytorch")
        XCTAssertEqual(MarkdownLinks.anchors(in: "# Same\n## Same\n### Same\n    # not a heading\n"),
                       ["same", "same-1", "same-2"])
    }

    /// docs/development.md's table of the library names every folder of Sources/ACTLM.
    func testTheLayoutTableListsEveryLibraryFolder() throws {
        let library = Self.root.appendingPathComponent("Sources/ACTLM")
        let folders = try FileManager.default.contentsOfDirectory(at: library, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .map(\.lastPathComponent).sorted()
        XCTAssertGreaterThanOrEqual(folders.count, 10, "\(folders)")
        let layout = try String(contentsOf: Self.root.appendingPathComponent("docs/development.md"), encoding: .utf8)
        let rows = Set(layout.split(separator: "\n").filter { $0.hasPrefix("| `") })
        for folder in folders {
            XCTAssertTrue(rows.contains { $0.hasPrefix("| `\(folder)/`") },
                          "Sources/ACTLM/\(folder)/ has no row in the library table of docs/development.md: add one")
        }
    }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("actlm-docs-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.standardizedFileURL
    }
}

/// The links of a Markdown page, and which of them do not resolve.
enum MarkdownLinks {
    /// Every Markdown file under `folder`, in a stable order.
    static func markdownFiles(under folder: URL) -> [URL] {
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "md" } ?? []
        return files.map(\.standardizedFileURL).sorted { $0.path < $1.path }
    }

    /// One line per link of `text` (the page at `page`) that does not resolve inside `root`:
    /// "docs/page.md:12: [text](target): what is wrong".
    static func problems(in text: String, of page: URL, root: URL) -> [String] {
        let name = relativePath(of: page, to: root) ?? page.path
        var problems: [String] = []
        for (line, target) in targetsWithLines(in: text) {
            if let problem = problem(with: target, on: page, text: text, root: root) {
                problems.append("\(name):\(line): (\(target)) \(problem)")
            }
        }
        return problems
    }

    private static func problem(with target: String, on page: URL, text: String, root: URL) -> String? {
        if target.range(of: "^[A-Za-z][A-Za-z0-9+.-]*:", options: .regularExpression) != nil { return nil }
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        let anchor = parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? String(parts[1]) : nil
        if path.isEmpty {
            guard let anchor, !anchor.isEmpty else { return nil }
            return anchors(in: text).contains(anchor) ? nil : "no heading of this page makes the anchor #\(anchor)"
        }
        let file = URL(fileURLWithPath: path, relativeTo: page.deletingLastPathComponent()).standardizedFileURL
        guard relativePath(of: file, to: root) != nil else { return "leaves the repository" }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder) else { return "no such file" }
        guard let anchor, !anchor.isEmpty, !isFolder.boolValue, file.pathExtension == "md" else { return nil }
        guard let markdown = try? String(contentsOf: file, encoding: .utf8) else { return "cannot be read as UTF-8" }
        return anchors(in: markdown).contains(anchor) ? nil : "no heading makes the anchor #\(anchor)"
    }

    private static func relativePath(of file: URL, to root: URL) -> String? {
        let base = root.standardizedFileURL.path
        let path = file.standardizedFileURL.path
        if path == base { return "" }
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : nil
    }

    /// The link and image targets of `text`, outside code, in order.
    static func targets(in text: String) -> [String] {
        targetsWithLines(in: text).map(\.target)
    }

    private static let inline = try! NSRegularExpression(pattern: #"!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)"#)
    private static let definition = try! NSRegularExpression(pattern: #"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)"#,
                                                             options: .anchorsMatchLines)
    private static let html = try! NSRegularExpression(pattern: #"<(?:img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*"([^"]*)""#,
                                                       options: .caseInsensitive)

    /// Each target with the line its link starts on. A link's text may run over several lines.
    private static func targetsWithLines(in text: String) -> [(line: Int, target: String)] {
        let prose = proseText(of: text, blankingCodeSpans: true)
        let range = NSRange(prose.startIndex..., in: prose)
        var matches: [(location: Int, target: String)] = []
        for expression in [inline, definition, html] {
            for match in expression.matches(in: prose, range: range) {
                guard let captured = Range(match.range(at: 1), in: prose) else { continue }
                var target = String(prose[captured])
                if target.hasPrefix("<"), target.hasSuffix(">") { target = String(target.dropFirst().dropLast()) }
                matches.append((match.range.location, target))
            }
        }
        let utf16 = Array(prose.utf16)
        return matches.sorted { $0.location < $1.location }.map { match in
            (1 + utf16[..<match.location].filter { $0 == 0x0A }.count, match.target)
        }
    }

    /// `text` with every line of code emptied (fenced blocks, and indented blocks that start after a
    /// blank line), and with inline code spans blanked when asked; the line count stays the same.
    private static func proseText(of text: String, blankingCodeSpans: Bool) -> String {
        var lines: [String] = []
        var fence: String?
        var previousBlank = true
        var inIndentedCode = false
        for raw in text.components(separatedBy: "\n") {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            let trimmed = line.drop { $0 == " " }
            let blank = trimmed.isEmpty
            defer { previousBlank = blank }
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                lines.append("")
                continue
            }
            if line.prefix(while: { $0 == " " }).count <= 3, trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                lines.append("")
                continue
            }
            let indented = line.hasPrefix("    ") || line.hasPrefix("\t")
            if !blank, indented, previousBlank || inIndentedCode {
                inIndentedCode = true
                lines.append("")
                continue
            }
            if !blank { inIndentedCode = false }
            lines.append(line)
        }
        guard blankingCodeSpans else { return lines.joined(separator: "\n") }
        // A code span may run over lines of one paragraph, never past a blank line.
        var out: [String] = []
        var inCode = false
        for line in lines {
            if line.allSatisfy({ $0 == " " }) { inCode = false }
            var blanked = ""
            for character in line {
                if character == "`" { inCode.toggle(); blanked.append(" ") } else { blanked.append(inCode ? " " : character) }
            }
            out.append(blanked)
        }
        return out.joined(separator: "\n")
    }

    /// The anchors GitHub gives the headings of a Markdown page: the slug, with -1, -2, … on repeats.
    static func anchors(in markdown: String) -> [String] {
        var seen: [String: Int] = [:]
        var anchors: [String] = []
        for line in proseText(of: markdown, blankingCodeSpans: false).components(separatedBy: "\n") {
            guard line.prefix(while: { $0 == " " }).count <= 3 else { continue }
            let trimmed = line.drop { $0 == " " }
            let hashes = trimmed.prefix { $0 == "#" }.count
            guard (1...6).contains(hashes), trimmed.dropFirst(hashes).first == " " else { continue }
            var title = String(trimmed.dropFirst(hashes))
            if let closing = title.range(of: #"\s+#+\s*$"#, options: .regularExpression) { title.removeSubrange(closing) }
            let base = slug(title)
            let count = seen[base, default: 0]
            seen[base] = count + 1
            anchors.append(count == 0 ? base : "\(base)-\(count)")
        }
        return anchors
    }

    /// GitHub's slug of a heading: lower case; letters, digits, marks, '_' and '-' kept; each space a '-';
    /// everything else (punctuation, symbols, emphasis and code markers) dropped.
    static func slug(_ heading: String) -> String {
        var slug = ""
        for scalar in heading.trimmingCharacters(in: .whitespaces).lowercased().unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark,
                 .connectorPunctuation:
                slug.unicodeScalars.append(scalar)
            case .spaceSeparator where scalar == " ":
                slug.append("-")
            default:
                if scalar == "-" { slug.append("-") }
            }
        }
        return slug
    }
}
