import Foundation

/// One colour for every amount of ponder, shared by the HTML, SVG and terminal views so they agree.
///
/// Values between `lower` and `upper` map onto a warm sequential ramp, from near-white (read at a
/// glance) to dark red (pondered longest), in `levels` steps: the terminal emits an escape code only
/// when the step changes, and the HTML page names each step once as a CSS class.
public struct PonderColorScale: Equatable, Sendable {
    public static let levels = 16

    public var lower: Float
    public var upper: Float

    /// A flat or reversed range becomes one unit wide, so every value still has a colour.
    public init(lower: Float, upper: Float) {
        self.lower = lower.isFinite ? lower : 0
        let top = upper.isFinite ? upper : self.lower + 1
        self.upper = top > self.lower ? top : self.lower + 1
    }

    /// A range that fits `values`: from the smallest to the 99th percentile (one stray long ponder
    /// should not wash out the rest), rounded outward to quarters so legends show round numbers.
    public init(fitting values: [Float]) {
        let sorted = values.filter { $0.isFinite }.sorted()
        guard let first = sorted.first else {
            self.init(lower: 1, upper: 2)
            return
        }
        let high = sorted[Int(Float(sorted.count - 1) * 0.99)]
        self.init(lower: (first * 4).rounded(.down) / 4, upper: (high * 4).rounded(.up) / 4)
    }

    /// Where `value` sits in the range, clamped to 0…1.
    @inline(__always)
    public func fraction(_ value: Float) -> Float {
        guard value.isFinite else { return value > 0 ? 1 : 0 }
        return min(max((value - lower) / (upper - lower), 0), 1)
    }

    /// The step (0 ..< levels) that colours `value`.
    @inline(__always)
    public func level(_ value: Float) -> Int {
        min(Int(fraction(value) * Float(Self.levels)), Self.levels - 1)
    }

    /// The value at the middle of a step, for legends.
    public func value(atLevel level: Int) -> Float {
        lower + (upper - lower) * (Float(level) + 0.5) / Float(Self.levels)
    }

    public static func color(level: Int) -> RGB {
        color(fraction: (Float(level) + 0.5) / Float(levels))
    }

    /// The ramp itself: linear between hand-picked anchors (light cream, yellow, orange, red, wine).
    public static func color(fraction: Float) -> RGB {
        let t = min(max(fraction.isFinite ? fraction : 0, 0), 1) * Float(anchors.count - 1)
        let i = min(Int(t), anchors.count - 2)
        let w = t - Float(i)
        let (a, b) = (anchors[i], anchors[i + 1])
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Float(x) * (1 - w) + Float(y) * w).rounded()) }
        return RGB(mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
    }

    /// Black or white, whichever reads better on a background of `level`.
    public static func textColor(level: Int) -> RGB {
        color(level: level).luminance > 0.45 ? RGB(24, 24, 24) : RGB(255, 255, 255)
    }

    private static let anchors: [RGB] = [
        RGB(250, 248, 238), RGB(254, 233, 160), RGB(253, 190, 96),
        RGB(243, 124, 62), RGB(206, 55, 55), RGB(128, 16, 58),
    ]
}

public struct RGB: Equatable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// "#rrggbb" for CSS and SVG.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// Relative luminance (sRGB, 0…1), to pick a readable text colour.
    public var luminance: Float {
        func linear(_ c: UInt8) -> Float {
            let x = Float(c) / 255
            return x <= 0.04045 ? x / 12.92 : Float(pow(Double((x + 0.055) / 1.055), 2.4))
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// The nearest colour of the xterm 256-colour cube, for terminals without true colour.
    public var ansi256: UInt8 {
        let steps: [Int] = [0, 95, 135, 175, 215, 255]
        func nearest(_ c: UInt8) -> Int {
            steps.indices.min { abs(steps[$0] - Int(c)) < abs(steps[$1] - Int(c)) }!
        }
        return UInt8(16 + 36 * nearest(red) + 6 * nearest(green) + nearest(blue))
    }
}
