/// A ponder-map view: takes the rows of a text one at a time, in order, and writes its format to an
/// `OutputSink` as it goes, holding only what one row (or, for the SVG figure, its bounded window)
/// needs. `finish` writes the closing part, with the summary where the format has room for it.
public protocol PonderMapRenderer: AnyObject {
    func write(_ row: PonderMapRow) throws
    func finish(summary: PonderMapSummary?) throws
}
