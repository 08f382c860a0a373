import Foundation
import Testing

@testable import Platform

/// The store's Signature V4 against botocore's (`scripts/s3/sigv4-reference.py`) on generated
/// requests: random keys (spaces, UTF-8, reserved characters), query parameters, headers with
/// runs of spaces, bodies, dates, regions and session tokens; headers signed both ways must
/// give the same `Authorization`, and presigned URLs the same signature and parameters.
@Suite("S3 signer", .enabled(if: TestVenv.has("botocore"), "botocore is not in the test venv (scripts/setup --tests)"))
struct S3SignerTests {
    struct Sample: Encodable {
        var method: String
        var host: String
        var path: String
        var params: [[String]]
        var headers: [[String]]
        var body_hex: String
        var timestamp: String
        var region: String
        var access_key: String
        var secret_key: String
        var token: String?
        var expires: Int?
    }

    struct Signed: Decodable {
        var authorization: String?
        var url: String?
    }

    static func random(_ alphabet: [String], _ count: ClosedRange<Int>, using generator: inout some RandomNumberGenerator) -> String {
        (0..<Int.random(in: count, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "a" }.joined()
    }

    @Test func signaturesMatchBotocore() throws {
        var generator = SystemRandomNumberGenerator()
        let keyAlphabet = ["a", "Z", "0", "-", "_", ".", "~", "/", " ", "+", "=", "&", "%", "ü", "é", "😀", "(", ")", "!", "*", "'", ",", ";", ":", "@", "$"]
        let valueAlphabet = keyAlphabet + ["?", "#", "[", "]"]
        var samples: [Sample] = []
        var requests: [(S3Signer, S3Signer.Request, String, Date, Int?)] = []
        for index in 0..<300 {
            let date = Date(timeIntervalSince1970: Double(Int.random(in: 1_500_000_000...1_900_000_000, using: &generator)))
            let credentials = S3Credentials(
                accessKeyID: "AKIA" + Self.random(["A", "B", "7"], 8...16, using: &generator),
                secretAccessKey: Self.random(["a", "B", "/", "+", "9"], 20...40, using: &generator),
                sessionToken: index % 3 == 0 ? Self.random(["t", "O", "/", "+", "="], 10...30, using: &generator) : nil)
            let region = ["us-east-1", "eu-west-3", "ap-southeast-2", "garage"].randomElement(using: &generator) ?? "us-east-1"
            let signer = S3Signer(credentials: credentials, region: region)
            let rawPath = "/bucket-\(index % 5)/" + Self.random(keyAlphabet, 1...40, using: &generator)
            let presign = index % 4 == 0
            var params: [(String, String)] = []
            if !presign || index % 8 == 0 {
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    params.append((Self.random(["a", "B", "-", "id", "x"], 1...6, using: &generator) + "\(params.count)",
                                   Self.random(valueAlphabet, 0...12, using: &generator)))
                }
            }
            var headers: [(String, String)] = []
            if !presign {
                let names = ["Content-MD5", "Content-Type", "Range", "x-amz-meta-sha256", "X-Amz-Meta-Note", "Cache-Control"]
                for name in names where Bool.random(using: &generator) {
                    headers.append((name, Self.random(["a", "b", " ", "  ", "=", "/"], 1...20, using: &generator).trimmingCharacters(in: .whitespaces) + "x"))
                }
            }
            let body = presign ? Data() : Data((0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let method = presign ? "GET" : ["GET", "PUT", "POST", "DELETE", "HEAD"].randomElement(using: &generator) ?? "GET"
            let expires = presign ? Int.random(in: 1...604_800, using: &generator) : nil
            let host = index % 2 == 0 ? "127.0.0.1:\(9000 + index)" : "bucket.s3.\(region).amazonaws.com"
            let request = S3Signer.Request(
                method: method, host: host, path: S3Signer.encode(rawPath, keepingSlash: true), query: params, headers: headers)
            requests.append((signer, request, S3Digest.sha256Hex(body), date, expires))
            samples.append(
                Sample(
                    method: method, host: host, path: rawPath, params: params.map { [$0.0, $0.1] }, headers: headers.map { [$0.0, $0.1] },
                    body_hex: body.map { String(format: "%02x", $0) }.joined(), timestamp: S3Signer.timestamps(date).0,
                    region: region, access_key: credentials.accessKeyID, secret_key: credentials.secretAccessKey,
                    token: credentials.sessionToken, expires: expires))
        }
        let reference = try Self.botocore(samples)
        try #require(reference.count == samples.count)
        var presigned = 0
        for (index, (signer, request, payloadHash, date, expires)) in requests.enumerated() {
            if let expires {
                presigned += 1
                let ours = signer.presignedQuery(request, expires: expires, now: date)
                let theirs = try #require(reference[index].url.flatMap { URLComponents(string: $0) })
                let ourItems = try #require(URLComponents(string: "http://h/?" + ours)?.queryItems)
                #expect(Dictionary(uniqueKeysWithValues: ourItems.map { ($0.name, $0.value ?? "") })
                    == Dictionary(uniqueKeysWithValues: (theirs.queryItems ?? []).map { ($0.name, $0.value ?? "") }),
                    "presigned \(samples[index].path)")
                #expect(theirs.percentEncodedPath == request.path)
            } else {
                let authorization = signer.authorize(request, payloadHash: payloadHash, now: date).first { $0.0 == "Authorization" }?.1
                #expect(authorization == reference[index].authorization, "\(samples[index].method) \(samples[index].path)")
            }
        }
        #expect(presigned >= 50)
    }

    static func botocore(_ samples: [Sample]) throws -> [Signed] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestVenv.python)
        process.arguments = [TestVenv.repository + "/scripts/s3/sigv4-reference.py"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let encoder = JSONEncoder()
        var lines = Data()
        for sample in samples { lines += try encoder.encode(sample) + Data("\n".utf8) }
        // Written from another thread so a full output pipe cannot deadlock the two.
        let writer = input.fileHandleForWriting
        let bytes = lines
        DispatchQueue.global().async {
            writer.write(bytes)
            try? writer.close()
        }
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try answer.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Signed.self, from: Data($0)) }
    }
}
