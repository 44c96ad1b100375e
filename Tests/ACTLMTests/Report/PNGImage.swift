import CZlib
import Foundation

/// Just enough of a PNG reader to look at a browser's screenshot: 8-bit RGB or RGBA, not interlaced.
struct PNGImage {
    let width: Int
    let height: Int
    /// RGB of every pixel, row by row.
    let pixels: [(UInt8, UInt8, UInt8)]

    enum Failure: Error { case notPNG(String) }

    init(_ data: [UInt8]) throws {
        guard data.count > 8, data[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure.notPNG("no PNG signature")
        }
        func be32(_ i: Int) -> Int { data[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        var position = 8, width = 0, height = 0, channels = 0
        var compressed: [UInt8] = []
        while position + 8 <= data.count {
            let length = be32(position)
            let type = String(decoding: data[position + 4..<position + 8], as: UTF8.self)
            let body = position + 8
            guard body + length <= data.count else { throw Failure.notPNG("cut-off \(type) chunk") }
            if type == "IHDR" {
                width = be32(body)
                height = be32(body + 4)
                guard data[body + 8] == 8, data[body + 12] == 0, [2, 6].contains(data[body + 9]) else {
                    throw Failure.notPNG("not 8-bit RGB(A) without interlace")
                }
                channels = data[body + 9] == 6 ? 4 : 3
            } else if type == "IDAT" {
                compressed += data[body..<body + length]
            }
            position = body + length + 4
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLong(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &rawLength, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK, rawLength == uLong(raw.count) else { throw Failure.notPNG("image data does not inflate") }

        // Undo each row's filter (PNG spec, section 9).
        var previous = [UInt8](repeating: 0, count: stride)
        var pixels: [(UInt8, UInt8, UInt8)] = []
        pixels.reserveCapacity(width * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            var row = Array(raw[y * (stride + 1) + 1..<(y + 1) * (stride + 1)])
            for i in 0..<stride {
                let a = i >= channels ? Int(row[i - channels]) : 0, b = Int(previous[i])
                let c = i >= channels ? Int(previous[i - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                row[i] = UInt8((Int(row[i]) + predictor) & 0xFF)
            }
            for x in 0..<width { pixels.append((row[x * channels], row[x * channels + 1], row[x * channels + 2])) }
            previous = row
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Pixels within `tolerance` per channel of the colour `hex` ("#0072b2").
    func count(near hex: String, tolerance: Int = 12) -> Int {
        let value = Int(hex.dropFirst(), radix: 16)!
        let (r, g, b) = (value >> 16, value >> 8 & 0xFF, value & 0xFF)
        return pixels.filter { abs(Int($0.0) - r) <= tolerance && abs(Int($0.1) - g) <= tolerance
            && abs(Int($0.2) - b) <= tolerance }.count
    }

    var distinctColors: Int {
        Set(pixels.map { Int($0.0) << 16 | Int($0.1) << 8 | Int($0.2) }).count
    }
}
