/**
 * The phantom-benchmark demo as one library call: synthesise the phantoms, train a recipe (the shipped
 * {@code recipes/demo.json} by default), generate and score the held-out split, optionally the blind control, and
 * write a summary and an HTML report. {@code scribe3d demo} only parses flags and prints what this returns.
 */
package org.scribe3d.demo;
