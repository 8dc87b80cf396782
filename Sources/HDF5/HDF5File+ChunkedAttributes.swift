// HDF5File+ChunkedAttributes: string-array attributes that Keras splits into numbered pieces.

extension HDF5File {
    /// Reads a string-array attribute that may have been split into pieces.
    ///
    /// Keras stores attributes larger than 64 KB (HDF5's object-header limit), such as
    /// `layer_names` of a big model, as `layer_names0`, `layer_names1`, ... . Returns the attribute
    /// `name` when it exists, otherwise the concatenation of `name0`, `name1`, ... up to the first
    /// missing index. Throws ``HDF5Error/notFound(file:object:)`` when neither form exists.
    public func stringArrayAttributeChunked(_ name: String, of objectPath: String) throws(HDF5Error) -> [String] {
        if hasAttribute(name, of: objectPath) {
            return try stringArrayAttribute(name, of: objectPath)
        }
        var strings: [String] = []
        var index = 0
        while hasAttribute("\(name)\(index)", of: objectPath) {
            strings += try stringArrayAttribute("\(name)\(index)", of: objectPath)
            index += 1
        }
        guard index > 0 else {
            // Neither `name` nor `name0` exists: let the plain reader report the missing attribute.
            return try stringArrayAttribute(name, of: objectPath)
        }
        return strings
    }
}
