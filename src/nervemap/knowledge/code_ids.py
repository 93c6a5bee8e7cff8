"""Knowledge-base ids that the Python code names, by kind and module.

Code that names an id (a finding it sets, a plan step a CDS card links to) breaks silently when the
knowledge base renames or drops that id. ``nervemap kb check`` verifies every id listed here
(:func:`nervemap.knowledge.validator.check_code_ids`), and tests/knowledge/test_code_ids.py keeps
the list complete: every string constant in ``src/nervemap`` that equals a knowledge-base id must
be listed under its module.
"""

from __future__ import annotations

CODE_IDS: dict[str, dict[str, tuple[str, ...]]] = {
    "finding": {
        # the severity grade computed for a batch (engine/severity.py's rules)
        "engine/core.py": (
            "foot_drop",
            "motor_deficit",
            "progressive_weakness",
            "severe_intractable_pain",
        ),
        "engine/encode_batch.py": ("extensor_plantar",),
        "engine/encode.py": (
            "extensor_plantar",
            "imaging_cauda_equina_compression",
            "imaging_disc_herniation",
            "imaging_spinal_stenosis",
            "imaging_spondylolisthesis",
        ),
        "engine/severity.py": (
            "foot_drop",
            "motor_deficit",
            "progressive_weakness",
            "severe_intractable_pain",
        ),
        # Follow-up (issue 19): 'back_pain' is also the name of the back-pain course measure
        # (MeasureChange.measure) and 'motor_deficit' a follow-up rule kind; listed so that both
        # names stay the finding ids they coincide with.
        "followup/course.py": ("back_pain",),
        "followup/timeline_svg.py": ("back_pain",),
        "interop/episode_bundle.py": ("back_pain",),
        "interop/checkin_questionnaire.py": ("back_pain",),
        "knowledge/models.py": ("motor_deficit",),
        "web/course.py": ("back_pain",),
        "interview/safety.py": (
            "back_pain",
            "radiating_leg_pain",
        ),
        "nlp/read_body.py": ("sensory_deficit_leg", "dermatomal_sensory_loss"),
        "nlp/read_findings.py": (
            "leg_numbness",
            "leg_redness_warmth",
            "leg_swelling",
            "leg_tingling",
            "radiating_leg_pain",
            "subjective_leg_weakness",
        ),
        "nlp/read_grades.py": ("foot_drop_reported", "bilateral_leg_weakness"),
        "nlp/read_patient.py": ("age_under_18",),
        "nlp/read_imaging.py": (
            "imaging_cauda_equina_compression",
            "imaging_disc_herniation",
            "imaging_spinal_stenosis",
            "imaging_spondylolisthesis",
        ),
    },
    "triage_rule": {
        "engine/core.py": ("severe_intractable_pain",),
        "engine/severity.py": ("severe_intractable_pain",),
    },
    "plan": {
        "interop/cds_cards.py": (
            "no_routine_imaging_nonspecialist",
            "sciatica_mri_if_intervention",
        ),
    },
    "region": {
        # the enlarged body-map views group the drawing's regions by part of the leg (layout only)
        "web/bodymap.py": (
            "ankle_lateral",
            "ankle_medial",
            "first_web_space",
            "foot_dorsum",
            "foot_lateral_border",
            "foot_medial_border",
            "foot_sole",
            "great_toe",
            "hip_lateral",
            "knee_anterior",
            "knee_lateral",
            "knee_medial",
            "leg_anterior",
            "leg_lateral",
            "leg_medial",
            "lesser_toes",
            "lower_back",
            "popliteal_fossa",
            "thigh_anterior",
            "thigh_lateral",
            "thigh_medial",
            "thigh_posterior",
        ),
        "nlp/knowledge.py": ("lower_back",),
        "nlp/read_body.py": (
            "first_web_space",
            "great_toe",
            "lesser_toes",
            "lower_back",
        ),
    },
    "movement": {
        "nlp/read_grades.py": ("ankle_dorsiflexion",),
    },
}
