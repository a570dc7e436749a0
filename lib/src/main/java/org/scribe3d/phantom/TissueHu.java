package org.scribe3d.phantom;

/**
 * Tissue attenuation (HU) of one phantom case: each tissue label gets a value drawn from the range
 * typical of a contrast-enhanced (portal venous) abdominal CT, so intensities vary from case to case
 * the way scanners and contrast timing make them vary. A table of ranges; the draw order is part of
 * the seed contract (the same seed gives the same bytes).
 */
final class TissueHu {
  private TissueHu() {}

  /** HU per tissue label (256 entries; labels above the anatomy's are left for findings). */
  static float[] draw(java.util.Random r) {
    float[] hu = new float[256];
    hu[Tissue.AIR] = -1000;
    hu[Tissue.FAT] = (float) Anatomy.u(r, -110, -90);
    hu[Tissue.MUSCLE] = (float) Anatomy.u(r, 40, 50);
    hu[Tissue.CAVITY_FAT] = (float) Anatomy.u(r, -105, -85);
    hu[Tissue.RETRO_FAT] = (float) Anatomy.u(r, -100, -80);
    hu[Tissue.MEDIASTINAL_FAT] = (float) Anatomy.u(r, -100, -80);
    hu[Tissue.BONE_CORTEX] = (float) Anatomy.u(r, 900, 1200);
    hu[Tissue.BONE_MARROW] = (float) Anatomy.u(r, 320, 420);
    hu[Tissue.DISC] = (float) Anatomy.u(r, 75, 95);
    hu[Tissue.CSF] = (float) Anatomy.u(r, 5, 15);
    float lung = (float) Anatomy.u(r, -875, -835);
    for (int l = Tissue.RUL; l <= Tissue.LLL; l++) {
      hu[l] = lung;
    }
    float blood = (float) Anatomy.u(r, 150, 210);
    hu[Tissue.LUNG_VESSEL] = (float) Anatomy.u(r, 90, 140);
    hu[Tissue.AIRWAY] = -990;
    hu[Tissue.AIRWAY_WALL] = 50;
    hu[Tissue.HEART_BLOOD] = blood;
    hu[Tissue.MYOCARDIUM] = (float) Anatomy.u(r, 100, 120);
    hu[Tissue.AORTA] = blood;
    hu[Tissue.VEIN] = (float) Anatomy.u(r, 120, 150);
    float liver = (float) Anatomy.u(r, 95, 115);
    for (int l = Tissue.LIVER_S1; l < Tissue.LIVER_S1 + 8; l++) {
      hu[l] = liver;
    }
    hu[Tissue.SPLEEN] = (float) Anatomy.u(r, 110, 125);
    hu[Tissue.KIDNEY_CORTEX_R] = hu[Tissue.KIDNEY_CORTEX_L] = (float) Anatomy.u(r, 160, 195);
    hu[Tissue.KIDNEY_MEDULLA_R] = hu[Tissue.KIDNEY_MEDULLA_L] = (float) Anatomy.u(r, 100, 125);
    hu[Tissue.RENAL_SINUS] = (float) Anatomy.u(r, -95, -65);
    hu[Tissue.STOMACH_WALL] = 60;
    hu[Tissue.BOWEL_WALL] = 55;
    hu[Tissue.BOWEL_GAS] = -1000;
    hu[Tissue.BOWEL_FLUID] = (float) Anatomy.u(r, 10, 25);
    hu[Tissue.BLADDER_WALL] = 45;
    hu[Tissue.URINE] = (float) Anatomy.u(r, 3, 10);
    hu[Tissue.PANCREAS] = (float) Anatomy.u(r, 90, 105);
    hu[Tissue.ESOPHAGUS] = 45;
    hu[Tissue.CARTILAGE] = 130;
    hu[Tissue.DIAPHRAGM] = hu[Tissue.MUSCLE];
    hu[Tissue.CORD] = 35;
    return hu;
  }
}
