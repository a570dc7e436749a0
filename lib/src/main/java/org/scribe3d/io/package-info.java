/**
 * Files on disk, independent of what they hold: {@link org.scribe3d.io.AtomicFiles} is the one way
 * Scribe3D writes an output file or directory (temporary sibling, forced to disk, renamed over the
 * target, so a crash never leaves a half-written file); {@link org.scribe3d.io.JsonFiles} reads JSON
 * strictly and {@link org.scribe3d.io.Csv} reads RFC 4180 CSV, both reporting malformed input as one
 * {@link org.scribe3d.data.DatasetException} naming the file, line and column;
 * {@link org.scribe3d.io.FileTrees} deletes whole directory trees.
 */
package org.scribe3d.io;
