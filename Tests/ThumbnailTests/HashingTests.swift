import Foundation
import Testing
@testable import Thumbnail

@Suite("hashes")
struct HashingTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256Vectors() {
        #expect(SHA256Digest.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256Digest.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256Digest.hex(of: Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Fed in uneven pieces, the digest is the same.
        var digest = SHA256Digest()
        let text = Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        digest.update(text.prefix(3))
        digest.update(text.dropFirst(3).prefix(61))
        digest.update(text.dropFirst(64))
        let whole = digest.finalize()
        #expect(whole.count == 32)
        #expect(whole.prefix(4) == [0x24, 0x8d, 0x6a, 0x61])
    }

    @Test("a SHA-256 digest is a value: a copy carries on on its own, and finalize starts afresh")
    func sha256Copies() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        var first = SHA256Digest()
        first.update(Data("ab".utf8))
        var second = first
        second.update(Data("c".utf8))
        first.update(Data("d".utf8))
        // SHA-256 of "abc" (FIPS 180-4) and of "abd" (coreutils' sha256sum).
        #expect(hex(second.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(first.finalize()) == "a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9")
        first.update(Data("abc".utf8))
        #expect(hex(first.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var empty = SHA256Digest()
        #expect(hex(empty.finalize()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("PDQ hex round-trips and distance counts bits")
    func pdqHex() throws {
        let hex = "2363342d9ccc59729b318793c59e9e8e324d633359e079e5a66b16e5bb90cb18"
        let hash = try #require(PDQHash(hex: hex))
        #expect(hash.hex == hex)
        let other = try #require(PDQHash(hex: "2363342d9ccc59729b318793c59e9e8e324d633359e079e5a66b16e5bb90cb19"))
        #expect(hash.distance(to: other) == 1)
        #expect(PDQHash(hex: "xyz") == nil)
        #expect(PDQHash(hex: "+" + String(hex.dropFirst())) == nil)
        #expect(PDQHash(hex: hex.uppercased()) == hash)
    }

    @Test("PDQ of a tiny or flat image has quality 0 and no crash")
    func pdqDegenerate() {
        let tiny = PDQ.hash(pixels: [UInt8](repeating: 9, count: 4 * 4 * 3), width: 4, height: 4, bands: 3)
        #expect(tiny.quality == 0)
        let flat = PDQ.hash(pixels: [UInt8](repeating: 128, count: 100 * 80), width: 100, height: 80, bands: 1)
        #expect(flat.quality == 0)
    }

    @Test("PDQ and pHash of lossless (PNG) corpus images are bit-exact with the reference oracle",
          .enabled(if: SharedCorpus.hasGolden, "../shared/reference/golden is absent"))
    func goldenLossless() throws {
        let golden = try SharedCorpus.goldenImages().filter { $0.file.hasSuffix(".png") && $0.mode != "P" && $0.mode != "1" }
        try #require(!golden.isEmpty, "no lossless images in ../shared/reference/golden/images.csv")
        for row in golden {
            let url = try #require(SharedCorpus.url(row.file))
            let image = try SharedCorpus.referencePixels(url)
            #expect(image.width == row.width && image.height == row.height, "\(row.file)")
            let pdq = PDQ.hash(pixels: image.pixels, width: image.width, height: image.height, bands: image.bands)
            #expect(pdq.hex == row.pdq, "\(row.file): distance \(pdq.distance(to: PDQHash(hex: row.pdq)!))")
            #expect(pdq.quality == row.pdqQuality, "\(row.file)")
            let phash = ImageHashes.pdqAndPHash(pixels: image.pixels, width: image.width, height: image.height, bands: image.bands).phash
            #expect(phash == row.phash, "\(row.file): pHash distance \(PerceptualHash.distance(phash, row.phash) ?? -1)")
        }
    }

    @Test("PDQ of JPEG/WebP corpus images (our decoder) is within 10 bits of the reference; pHash within 6",
          .enabled(if: SharedCorpus.hasGolden, "../shared/reference/golden is absent"))
    func goldenDecoded() throws {
        let golden = try SharedCorpus.goldenImages().filter {
            !$0.file.hasSuffix(".png") && $0.pdqQuality >= 80 && !$0.file.contains("exif-rotn") && $0.mode != "CMYK"
        }
        try #require(!golden.isEmpty, "no decoded images in ../shared/reference/golden/images.csv")
        var exact = 0
        for row in golden {
            let url = try #require(SharedCorpus.url(row.file))
            let image = try SharedCorpus.referencePixels(url)
            let pdq = PDQ.hash(pixels: image.pixels, width: image.width, height: image.height, bands: image.bands)
            let distance = pdq.distance(to: try #require(PDQHash(hex: row.pdq)))
            #expect(distance <= 10, "\(row.file): PDQ distance \(distance)")
            if distance == 0 { exact += 1 }
            let phash = ImageHashes.pdqAndPHash(pixels: image.pixels, width: image.width, height: image.height, bands: image.bands).phash
            let phashDistance = try #require(PerceptualHash.distance(phash, row.phash))
            #expect(phashDistance <= 6, "\(row.file): pHash distance \(phashDistance)")
        }
        print("PDQ bit-exact on \(exact) of \(golden.count) decoded images")
    }

    @Test("dihedral PDQ of a rotated reference image contains the original's hash (within 30 bits)",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func dihedral() throws {
        let original = try #require(SharedCorpus.url("corpus/hashing/te-pdq/reg-test-input/dih/bridge-1-original.jpg"))
        let rotated = try #require(SharedCorpus.url("corpus/hashing/te-pdq/reg-test-input/dih/bridge-2-rotate-90.jpg"))
        let a = try SharedCorpus.referencePixels(original)
        let b = try SharedCorpus.referencePixels(rotated)
        let hashA = PDQ.hash(pixels: a.pixels, width: a.width, height: a.height, bands: a.bands)
        let variants = b.pixels.withUnsafeBufferPointer {
            ImageHashes.compute(pixels: $0, width: b.width, height: b.height, bands: b.bands).dihedral
        }
        #expect(variants.count == 8)
        #expect(variants[0] == PDQ.hash(pixels: b.pixels, width: b.width, height: b.height, bands: b.bands))
        let best = variants.map { $0.distance(to: hashA) }.min() ?? 256
        #expect(best <= 30)
        #expect(hashA.distance(to: variants[0]) > 31)
    }

    @Test("blurhash of a generated image has the 4×4 shape and is stable")
    func blurhash() {
        let pixels = TestImages.gradientPixels(width: 64, height: 48)
        let hash = Blurhash.encode(pixels: pixels, width: 64, height: 48, bands: 3)
        #expect(hash.count == 36)
        #expect(hash.first == "U")  // size flag (4-1) + (4-1)·9 = 30 → "U"
        #expect(Blurhash.encode(pixels: pixels, width: 64, height: 48, bands: 3) == hash)
        let flat = Blurhash.encode(pixels: [UInt8](repeating: 255, count: 8 * 8 * 3), width: 8, height: 8, bands: 3, componentsX: 1, componentsY: 1)
        // 1×1: size 0, max 0, DC 0xFFFFFF = 29·83³ + 28·83² + 30·83 + 10 → "TSUA".
        #expect(flat == "00TSUA")
    }

    @Test("pipeline blurhash (from the smallest uncropped rendition) keeps the whole picture's average colour")
    func blurhashAverageColour() throws {
        // Left half dark blue, right half light orange: a centre crop or a wrong source would
        // shift the mean.
        let width = 1600, height = 900
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let colour: [UInt8] = x < width / 4 ? [20, 30, 160] : [250, 180, 90]
                pixels.replaceSubrange((y * width + x) * 3..<(y * width + x) * 3 + 3, with: colour)
            }
        }
        let png = try VipsImage.fromPixels(pixels, width: width, height: height, bands: 3, input: "test").png(input: "test")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("blurhash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(data: png, outputDirectory: out)
        let hash = try #require(manifest.blurhash)
        #expect(hash.count == 36)
        // DC: characters 2…5 in base 83, 8-bit sRGB of the mean linear colour.
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~")
        let dc = try hash.dropFirst(2).prefix(4).reduce(0) { value, character in
            value * 83 + (try #require(alphabet.firstIndex(of: character)))
        }
        func linear(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        func encoded(_ v: Double) -> Double { v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1 / 2.4) - 0.055 }
        for (band, shift) in [(0, 16), (1, 8), (2, 0)] {
            let expected = encoded(0.25 * linear(Double([20, 30, 160][band]) / 255) + 0.75 * linear(Double([250, 180, 90][band]) / 255)) * 255
            let got = Double((dc >> shift) & 0xff)
            #expect(abs(got - expected) <= 3, "band \(band): \(got) vs \(expected)")
        }
    }
}
