/**
 * The phantom CT benchmark: procedural chest-abdomen-pelvis CT volumes in Hounsfield units with
 * findings of all fifteen {@link org.scribe3d.data.FindingType}s painted where the report says they
 * are, written in the AMOS-MM layout with a ground truth that locates every finding in the voxels.
 *
 * <p>Flow: {@link org.scribe3d.phantom.PhantomGenerator} draws geometry and findings, the anatomy
 * (body frame, RAS+ mm) is painted shape by shape into HU and label arrays, findings are placed on the
 * label map and painted, probes are measured on the label map, then smoothing and noise;
 * {@link org.scribe3d.phantom.PhantomDataset} writes images, {@code dataset.json} (text from
 * {@code phantom.report}) and {@code ground_truth.json}.
 */
package org.scribe3d.phantom;
