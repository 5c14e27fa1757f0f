/**
 * The help texts of the `cutpaste` tool and its commands, laid out from the command specs
 * (commands.ts) and the detectors' option tables. Pure.
 */
import { OPTION_GROUP_TITLES, type OptionGroup } from '../../math/optionSchema';
import { COMMAND_NAMES, COMMANDS, TOOL_OPTIONS, type CommandName, type OptionSpec } from './commands';
import { ALL_DETECTOR_FLAGS, DEFAULT_DETECTOR, DETECTOR_KINDS, DETECTOR_NAMES } from './detectorKinds';

const DETECTOR_FLAG_NAMES = new Set(ALL_DETECTOR_FLAGS.map((f) => f.name));

/**
 * Help lines of `options`: the command's own under `Options:`; then, for a command with detector
 * flags, the default detector's grouped under their titles (`Training (stage 1) options:`) and each
 * other detector's under its `--detector` name.
 */
function optionLines(options: readonly OptionSpec[]): string[] {
  const left = (o: OptionSpec): string => `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.metavar ? ` ${o.metavar}` : ''}`;
  const withDetectors = options.some((o) => DETECTOR_FLAG_NAMES.has(o.name));
  const shown = withDetectors ? [...options, ...Object.values(DETECTOR_KINDS).flatMap((k) => k.flags)] : options;
  const width = Math.max(...shown.map((o) => left(o).length)) + 2;
  const lines = (list: readonly OptionSpec[]): string[] =>
    list.map((o) => `  ${left(o).padEnd(width)}${o.help}${o.required ? ' (required)' : ''}`);
  const grouped = (list: readonly OptionSpec[]): string[] =>
    (Object.keys(OPTION_GROUP_TITLES) as OptionGroup[])
      .map((group) => [group, list.filter((o) => o.group === group)] as const)
      .filter(([, inGroup]) => inGroup.length > 0)
      .flatMap(([group, inGroup]) => ['', `${OPTION_GROUP_TITLES[group]} options:`, ...lines(inGroup)]);
  const own = options.filter((o) => !DETECTOR_FLAG_NAMES.has(o.name));
  if (!withDetectors) return ['Options:', ...lines(own.filter((o) => o.group === undefined)), ...grouped(own)];
  return [
    'Options:',
    ...lines(own),
    '',
    `--detector ${DEFAULT_DETECTOR} (the default): ${DETECTOR_KINDS[DEFAULT_DETECTOR]!.summary}`,
    ...grouped(DETECTOR_KINDS[DEFAULT_DETECTOR]!.flags),
    ...DETECTOR_NAMES.filter((kind) => kind !== DEFAULT_DETECTOR).flatMap((kind) => [
      '',
      `--detector ${kind}: ${DETECTOR_KINDS[kind]!.summary}. It takes:`,
      ...lines(DETECTOR_KINDS[kind]!.flags),
    ]),
  ];
}

/**
 * The help text of a command, or of the tool when `command` is undefined.
 *
 * @example
 * process.stdout.write(helpText('fit'));
 */
export function helpText(command?: CommandName): string {
  if (command === undefined) {
    const width = Math.max(...COMMAND_NAMES.map((c) => c.length)) + 2;
    return [
      'Usage: cutpaste COMMAND [options]',
      '',
      'CutPaste anomaly detection (Li et al., CVPR 2021): learn what normal images look like, then',
      'score new ones and show where they differ.',
      '',
      'Commands:',
      ...COMMAND_NAMES.map((c) => `  ${c.padEnd(width)}${COMMANDS[c].summary}`),
      '',
      ...optionLines(TOOL_OPTIONS),
      '',
      "Run 'cutpaste COMMAND --help' for a command's options.",
      '',
    ].join('\n');
  }
  const spec = COMMANDS[command];
  return [
    `Usage: cutpaste ${spec.usage}`,
    '',
    spec.description,
    '',
    ...optionLines(spec.options),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
