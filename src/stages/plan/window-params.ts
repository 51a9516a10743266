// Which shard layout a plan uses, fixed at plan time: every patch stored, or k x k-position windows
// (grid/windows.ts), the default when patches overlap (stride below the patch size).
import { OptionError } from '../../errors.js';
import { autoWindowPositions, windowSidePx, type GridConfig } from '../../grid/index.js';
import type { WindowParams } from '../../plan/index.js';
import { expectPositiveInt } from '../../util/is.js';

export type LayoutChoice = 'auto' | 'patches' | 'windows';

export const LAYOUTS: readonly LayoutChoice[] = ['auto', 'patches', 'windows'];

/** Largest window side accepted: one window of uint8 RGB stays under 64 MiB, its float tensor under 256 MiB. */
export const MAX_WINDOW_SIDE_PX = 4608;

export function resolveWindowParams(grid: GridConfig, layout: LayoutChoice, windowPositions?: number): WindowParams | null {
  if (!LAYOUTS.includes(layout)) {
    throw new OptionError(`Expected \`--layout\` to be one of ${LAYOUTS.join(', ')}, received \`${String(layout)}\``);
  }
  if (windowPositions !== undefined) expectPositiveInt('windowPositions', windowPositions);
  const isWindows = layout === 'windows' || (layout === 'auto' && grid.stridePx < grid.patchSizePx);
  if (!isWindows) {
    if (windowPositions !== undefined) {
      throw new OptionError(
        `\`--window-positions\` needs a window layout, but this plan stores patches (${layout === 'patches' ? '--layout patches' : `--stride ${grid.stridePx} is not below the ${grid.patchSizePx} px patch`})`,
        'Drop --window-positions, or add --layout windows',
      );
    }
    return null;
  }
  const positions = windowPositions ?? autoWindowPositions(grid.patchSizePx, grid.stridePx);
  const sidePx = windowSidePx(grid.patchSizePx, grid.stridePx, positions);
  if (sidePx > MAX_WINDOW_SIDE_PX) {
    throw new OptionError(
      `\`--window-positions ${positions}\` makes windows of ${sidePx} px (patch ${grid.patchSizePx} + ${positions - 1} x stride ${grid.stridePx}); the limit is ${MAX_WINDOW_SIDE_PX} px`,
      `Use --window-positions ${Math.floor((MAX_WINDOW_SIDE_PX - grid.patchSizePx) / grid.stridePx) + 1} or fewer`,
    );
  }
  return { positions, sidePx, source: windowPositions === undefined ? 'auto' : 'option' };
}
