package org.scribe3d.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.scribe3d.data.Case;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;
import org.scribe3d.data.Split;

/**
 * Cases as DataFrame rows and back: one row per case with its scan, its reference findings per region and its
 * questions, which is all prediction needs ({@link org.scribe3d.infer.RunPredictor#requests}).
 */
final class CaseRows {
  private CaseRows() {}

  static final StructType QUESTION = DataTypes.createStructType(new StructField[] {
    DataTypes.createStructField("question", DataTypes.StringType, false),
    DataTypes.createStructField("options", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false),
    DataTypes.createStructField("answer", DataTypes.StringType, false),
    DataTypes.createStructField("type", DataTypes.StringType, true)});

  static final StructType SCHEMA = DataTypes.createStructType(new StructField[] {
    DataTypes.createStructField("case_id", DataTypes.StringType, false),
    DataTypes.createStructField("image", DataTypes.StringType, false),
    DataTypes.createStructField("split", DataTypes.StringType, false),
    DataTypes.createStructField("findings_chest", DataTypes.StringType, false),
    DataTypes.createStructField("findings_abdomen", DataTypes.StringType, false),
    DataTypes.createStructField("findings_pelvis", DataTypes.StringType, false),
    DataTypes.createStructField("questions", DataTypes.createArrayType(QUESTION, false), false)});

  /** Rows hold Java lists and maps: Spark converts java.util.List and Map to its array and map types. */
  static Row toRow(Case c) {
    List<Row> qs = new ArrayList<>();
    for (Question q : c.questions()) {
      qs.add(RowFactory.create(q.question(), new LinkedHashMap<>(q.options()), q.answer(), q.type()));
    }
    return RowFactory.create(c.id(), c.image().toAbsolutePath().toString(), c.split().key(),
        c.findings().get(Region.CHEST), c.findings().get(Region.ABDOMEN), c.findings().get(Region.PELVIS),
        qs);
  }

  static Case toCase(Row r) {
    Map<Region, String> findings = new EnumMap<>(Region.class);
    findings.put(Region.CHEST, r.getString(3));
    findings.put(Region.ABDOMEN, r.getString(4));
    findings.put(Region.PELVIS, r.getString(5));
    List<Question> qs = new ArrayList<>();
    // a row as built here holds Java collections, one that went through Spark holds Scala ones
    List<Row> rows = r.get(6) instanceof List<?> l ? castRows(l) : r.<Row>getList(6);
    for (Row q : rows) {
      Map<String, String> given = q.get(1) instanceof Map<?, ?> m ? castMap(m) : q.<String, String>getJavaMap(1);
      Map<String, String> options = new LinkedHashMap<>(new java.util.TreeMap<>(given)); // letter order
      qs.add(new Question(q.getString(0), options, q.getString(2), q.getString(3)));
    }
    return new Case(r.getString(0), Path.of(r.getString(1)), findings, qs, Split.parse(r.getString(2)));
  }

  @SuppressWarnings("unchecked")
  private static List<Row> castRows(List<?> l) {
    return (List<Row>) l;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> castMap(Map<?, ?> m) {
    return (Map<String, String>) m;
  }
}
