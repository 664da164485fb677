#pragma once

#include <string>

namespace rally {

// Writes `content` to `path` atomically (temporary file, fsync, rename): readers see the
// old file or the new one, never a part. Creates missing directories. Throws RallyError
// naming the path on failure, and leaves no temporary file behind.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace rally
