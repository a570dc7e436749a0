/**
 * Notebook display: renderers that turn images, Tablesaw tables and Plotly figures into PNG / HTML
 * (used by the Jupyter kernel and by HTML reports alike), and helpers for looking at CT volumes
 * (slice views with CT windows, montages, overlays of finding locations, histograms, panels) and
 * for charts and tables of results.
 */
package org.scribe3d.notebook;
