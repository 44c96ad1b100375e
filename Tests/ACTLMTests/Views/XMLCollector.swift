import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses a document with Foundation's XML parser and keeps what the view tests look at.
final class XMLCollector: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    private(set) var counts: [String: Int] = [:]
    private(set) var root: Element?
    /// Elements with their own text, in document order, and the attributes of their ancestors.
    private(set) var closed: [(element: Element, ancestors: [Element])] = []
    private var stack: [Element] = []
    private(set) var error: Error?

    static func parse(_ bytes: [UInt8]) -> XMLCollector {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        if !parser.parse() { collector.error = parser.parserError ?? NSError(domain: "xml", code: 1) }
        return collector
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        counts[elementName, default: 0] += 1
        let element = Element(name: elementName, attributes: attributeDict)
        if root == nil { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !stack.isEmpty { stack[stack.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        let element = stack.removeLast()
        closed.append((element, stack))
    }

    func elements(_ name: String, inside predicate: (Element) -> Bool = { _ in true }) -> [Element] {
        closed.filter { $0.element.name == name && $0.ancestors.contains(where: predicate) }.map(\.element)
    }
}
