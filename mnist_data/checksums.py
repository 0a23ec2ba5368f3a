"""Known SHA-256 values of the original MNIST content.

``FILE_SHA256``: SHA-256 of each *decompressed* IDX file (header included),
as listed in mnist_data/README.md. Only the gzip wrapping of a copy may differ,
so always hash the decompressed bytes.

``PAYLOAD_SHA256``: SHA-256 of the same files without their IDX header
(16 bytes for images, 8 for labels), i.e. of the raw uint8 pixels (row-major,
one image after the other) or labels. A CSV copy of MNIST converted back to
uint8 bytes in file order hashes to these values.
"""

FILE_SHA256 = {
    "train-images": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "test-images": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "test-labels": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

# SHA-256 of the four .gz files this package ships (not part of MNIST itself: another gzip of the same
# content differs). A pristine copy is recognised by them, hashing a fifth of the bytes (which saves
# about half a second in the browser); any other copy by FILE_SHA256, on its decompressed content.
SHIPPED_GZ_SHA256 = {
    "train-images": "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971",
    "train-labels": "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203",
    "test-images": "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be",
    "test-labels": "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b",
}

PAYLOAD_SHA256 = {
    "train-images": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train-labels": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "test-images": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "test-labels": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}

# Number of examples and examples per digit 0-9 in the original files.
COUNTS = {"train": 60_000, "test": 10_000}
CLASS_COUNTS = {
    "train": (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
    "test": (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009),
}
