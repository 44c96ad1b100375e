import Foundation

/// Round tick values for a chart axis: 1, 2 or 5 times a power of ten apart, from a tick at or below
/// the smallest value to one at or above the largest, so the axis ends on labelled numbers.
public struct AxisTicks: Equatable, Sendable {
    /// How tick labels read: plain decimals ("2.25") or with k, M, G for thousands, millions and
    /// billions ("1.5M"), the way byte counts read best.
    public enum Style: Sendable {
        case decimal
        case metric
    }

    public let lower: Double
    public let upper: Double
    public let step: Double
    public let style: Style

    /// Ticks covering `low ... high`, about `count` of them. A flat range gets one step either side.
    /// Values a chart cannot place (a hand-edited metrics file can hold 1e308 or 5e-324) are held to
    /// ±1e300, and a flat range near zero spans ±1, so the step is always a positive finite number.
    public init(covering low: Double, _ high: Double, count: Int = 5, style: Style = .decimal) {
        let limit = 1e300
        var (low, high) = (min(low, high), max(low, high))
        if low.isNaN || high.isNaN { (low, high) = (0, 0) }
        (low, high) = (min(max(low, -limit), limit), min(max(high, -limit), limit))
        if !(high - low > 1e-12 * max(abs(low), abs(high), 1)) {
            let pad = abs(low) < 1e-6 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let rough = (high - low) / Double(max(count, 1))
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let residual = rough / magnitude
        let step = (residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10) * magnitude
        self.step = step
        lower = (low / step + 1e-9).rounded(.down) * step
        upper = (high / step - 1e-9).rounded(.up) * step
        self.style = style
    }

    public var values: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...count).map { lower + Double($0) * step }
    }

    /// Where `value` sits between `lower` (0) and `upper` (1).
    public func fraction(_ value: Double) -> Double {
        (value - lower) / (upper - lower)
    }

    /// The label of a tick, with as many decimals as the step needs.
    public func label(_ value: Double) -> String {
        var divisor = 1.0, suffix = ""
        if style == .metric {
            let largest = max(abs(lower), abs(upper))
            for (size, name) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where largest >= size {
                (divisor, suffix) = (size, name)
                break
            }
        }
        let scaledStep = step / divisor
        let decimals = scaledStep >= 1 ? 0 : min(6, Int((-log10(scaledStep)).rounded(.up) + 1e-9))
        let scaled = value / divisor
        if abs(scaled) < scaledStep * 1e-6 { return "0" }
        return formatFixed(scaled, decimals: decimals) + suffix
    }
}
