import {useEffect} from 'react';
import type {Flash, UiAction} from '../ui-state.js';

/** Flash messages stay this long unless replaced. */
const FLASH_MS = 8000;

/** Clears the status line's flash message FLASH_MS after it appeared; a newer message starts its own wait. */
export function useFlashExpiry(flash: Flash | undefined, dispatch: (action: UiAction) => void): void {
	useEffect(() => {
		if (!flash) return;
		const {id} = flash;
		const timer = setTimeout(() => dispatch({type: 'clear-flash', id}), FLASH_MS);
		return () => clearTimeout(timer);
	}, [flash]);
}
