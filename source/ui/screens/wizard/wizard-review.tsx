/**
 * The wizards' confirm step on an existing provider: the merge's diff (providers/provider-diff) and
 * the route question, as in the provider editor; and, after the save, the store's notice when the
 * file's formatting could not be kept.
 */
import {Box} from 'ink';
import type {ReactNode} from 'react';
import type {ConfigStore} from '../../../config/store.js';
import {describeDiff, type RouteFix} from '../../../providers/provider-diff.js';
import {previewProviderSave, type SavePreview} from '../../../providers/save-provider.js';
import {draftFromState, type WizardState} from '../../../providers/wizard-state.js';
import type {KeyContext} from '../../keymap.js';
import {ChangeReview, fixAt, fixChoices} from '../editor/route-question.js';

export type WizardReview = {readonly preview: SavePreview; readonly fix: RouteFix};

/** What saving would change in an existing provider; undefined for a new one or before the confirm step. */
export function wizardReview(store: ConfigStore, state: WizardState): WizardReview | undefined {
	if (state.step !== 'confirm' && state.step !== 'saving') return undefined;
	const draft = draftFromState(state);
	if (!draft) return undefined;
	const preview = previewProviderSave(store.getSnapshot(), draft);
	if (preview.plan.mode !== 'update') return undefined;
	const models = Array.isArray(preview.provider['models']) ? preview.provider['models'].filter((model): model is string => typeof model === 'string') : [];
	const first = models.find(model => !preview.diff.modelsRemoved.includes(model));
	const choices = fixChoices(preview.impact, first ? `${preview.plan.name},${first}` : undefined);
	return {preview, fix: fixAt(choices, state.routeFix)};
}

/** The wizard's contexts plus the route question when the save would leave routes pointing at a removed model. */
export function withRouteQuestion(contexts: KeyContext[], review: WizardReview | undefined): KeyContext[] {
	return review && review.preview.impact.routes.length > 0 ? [...contexts, 'route-question'] : contexts;
}

export function UpdateReview({review}: {readonly review: WizardReview}): ReactNode {
	const {preview} = review;
	return (
		<Box flexDirection="column">
			<ChangeReview
				title="Changes to the existing provider:"
				lines={describeDiff(preview.diff, preview.impact)}
				impact={preview.impact}
				fix={review.fix}
				removed="removed models"
			/>
		</Box>
	);
}
