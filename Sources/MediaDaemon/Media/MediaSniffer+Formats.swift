import Platform
import Thumbnail

extension MediaSniffer {
    /// The HTTP upload's sniffer: ``MediaFormat``'s table (the one the CLI and the pipelines
    /// use), its photo rows as photos and its video rows as videos.
    static let formats = MediaSniffer(length: MediaFormat.sniffLength) { head in
        MediaFormat.sniff(head).map { $0.isVideo ? .video : .photo }
    }
}
