/**
 * Datasets in one sample model: the shared finding vocabulary ({@link org.scribe3d.data.Region},
 * {@link org.scribe3d.data.FindingType}, {@link org.scribe3d.data.Finding},
 * {@link org.scribe3d.data.Question}), cases and training examples ({@link org.scribe3d.data.Case},
 * {@link org.scribe3d.data.Examples}, {@link org.scribe3d.data.PromptTemplates}), and loaders for
 * AMOS-MM, CT-RATE and the phantom, opened from a manifest or a path by
 * {@link org.scribe3d.data.DatasetLoader}.
 */
package org.scribe3d.data;
