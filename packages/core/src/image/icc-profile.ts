// A minimal, valid ICC v2 display profile: RGB primaries with one gamma curve (matrix/TRC), or a gray
// gamma curve. What the probes embed in tiny images to see whether a browser's decoder colour-manages
// them; tests build tagged images with it too.

/** An RGB profile's colorants (their XYZ under D50, as ICC stores them) and its gamma. */
export interface RgbIccProfile {
  kind: 'rgb';
  description: string;
  red: readonly [number, number, number];
  green: readonly [number, number, number];
  blue: readonly [number, number, number];
  gamma: number;
}

export interface GrayIccProfile {
  kind: 'gray';
  description: string;
  gamma: number;
}

/** Display P3's primaries, gamma 2.2: wide enough that honouring it moves almost every sRGB value. */
export const DISPLAY_P3_LIKE: RgbIccProfile = {
  kind: 'rgb',
  description: 'Retina probe: P3 primaries, gamma 2.2',
  red: [0.5151, 0.2412, -0.0011],
  green: [0.2919, 0.6922, 0.0419],
  blue: [0.1572, 0.0666, 0.7841],
  gamma: 2.2,
};

/** Linear gray: honouring it brightens every mid-tone. */
export const LINEAR_GRAY: GrayIccProfile = { kind: 'gray', description: 'Retina probe: gray, gamma 1.0', gamma: 1 };

const D50: readonly [number, number, number] = [0.9642, 1, 0.8249];
const HEADER_SIZE = 128;

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0) & 0x7f);
}

function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function s15Fixed16(value: number): number[] {
  return u32(Math.round(value * 65536) >>> 0);
}

const xyzTag = (xyz: readonly number[]) => [...ascii('XYZ '), 0, 0, 0, 0, ...xyz.flatMap(s15Fixed16)];
const curveTag = (gamma: number) => {
  const fixed = Math.round(gamma * 256);
  return [...ascii('curv'), 0, 0, 0, 0, ...u32(1), fixed >> 8, fixed & 0xff];
};
/** textDescriptionType: ASCII, then empty Unicode and ScriptCode parts. */
const descriptionTag = (text: string) => [
  ...ascii('desc'),
  0,
  0,
  0,
  0,
  ...u32(text.length + 1),
  ...ascii(text),
  0,
  ...new Array<number>(8 + 3 + 67).fill(0),
];
const textTag = (text: string) => [...ascii('text'), 0, 0, 0, 0, ...ascii(text), 0];

/** The profile's bytes. */
export function buildIccProfile(profile: RgbIccProfile | GrayIccProfile): Uint8Array {
  const tags: [string, number[]][] = [
    ['desc', descriptionTag(profile.description)],
    ['cprt', textTag('No copyright, use freely')],
    ['wtpt', xyzTag(D50)],
  ];
  if (profile.kind === 'rgb') {
    const curve = curveTag(profile.gamma);
    tags.push(['rXYZ', xyzTag(profile.red)], ['gXYZ', xyzTag(profile.green)], ['bXYZ', xyzTag(profile.blue)]);
    tags.push(['rTRC', curve], ['gTRC', curve], ['bTRC', curve]);
  } else {
    tags.push(['kTRC', curveTag(profile.gamma)]);
  }
  const table: number[] = u32(tags.length);
  const data: number[] = [];
  let offset = HEADER_SIZE + 4 + tags.length * 12;
  for (const [signature, body] of tags) {
    table.push(...ascii(signature), ...u32(offset), ...u32(body.length));
    const padded = [...body, ...new Array<number>((4 - (body.length % 4)) % 4).fill(0)];
    data.push(...padded);
    offset += padded.length;
  }
  const size = offset;
  const version = [0x02, 0x10, 0, 0]; // 2.1
  const date = [0x07, 0xe8, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]; // 2024-01-01 00:00:00
  const header = [
    ...u32(size),
    ...u32(0), // preferred CMM: none
    ...version,
    ...ascii('mntr'),
    ...ascii(profile.kind === 'rgb' ? 'RGB ' : 'GRAY'),
    ...ascii('XYZ '),
    ...date,
    ...ascii('acsp'),
    ...new Array<number>(24).fill(0), // platform, flags, manufacturer, model, attributes
    ...u32(0), // perceptual rendering intent
    ...D50.flatMap(s15Fixed16), // the PCS illuminant
  ];
  return Uint8Array.from([...header, ...new Array<number>(HEADER_SIZE - header.length).fill(0), ...table, ...data]);
}
